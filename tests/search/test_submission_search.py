"""Submission search: the database backends live (SQLite here, PostgreSQL in the second CI run),
the Elasticsearch backend's mappings and queries as data, following the truth, permissions."""

import datetime as dt
import io
import os
from unittest import mock

import pytest

from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from forms.models import HelpRequest
from search.index import base, service
from search.index.base import get_backend
from search.index.database import DatabaseBackend
from search.index.query import SubmissionQuery
from search.index.service import search_submissions
from search.models import IndexRebuild, SearchPending, SubmissionEntry
from search.site.quality import score_ranking
from search.text.fuzzy import edit_distance, looks_like
from tests.inbox.conftest import file_application, file_request, member
from tests.search.elastic_bodies import shard_statistics_read
from tests.search.submission_corpus import background, judged_queries, targets
from tests.search.test_statistics_by_association import entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return member("officer")


def refs(results):
    return [hit.reference for hit in results.hits]


def test_a_phone_in_any_format_finds_the_same_request(officer):
    wanted = file_request(mobile="+966551234567")
    file_request(mobile="+966561111111")
    for typed in ("0551234567", "+966551234567", "٠٥٥١٢٣٤٥٦٧", "00966551234567", "055 123 4567"):
        assert refs(search_submissions(officer, text=typed)) == [wanted.reference], typed


def test_a_name_typed_without_hamza_finds_it(officer):
    wanted = file_request(full_name="إبراهيم أحمد الأسمري")
    file_request(full_name="خالد سعد العتيبي")
    for typed in ("ابراهيم احمد الاسمري", "إبراهيم الأسمري", "ابراهيم اسمري"):
        assert refs(search_submissions(officer, text=typed))[:1] == [wanted.reference], typed


def test_an_id_finds_exactly_one_request(officer):
    wanted = file_request()
    file_request()
    results = search_submissions(officer, text=wanted.national_id)
    assert results.total == 1 and refs(results) == [wanted.reference]


def test_reference_district_description_and_partial_numbers(officer):
    wanted = file_request(district="النسيم", description="غسيل كلى ثلاث مرات في الأسبوع")
    other = file_request(district="الصفا")
    assert refs(search_submissions(officer, text=wanted.reference.lower())) == [wanted.reference]
    assert wanted.reference in refs(search_submissions(officer, text="النسيم"))
    assert refs(search_submissions(officer, text="غسيل الكلى")) == [wanted.reference]
    assert other.reference not in refs(search_submissions(officer, text="غسيل الكلى"))
    assert wanted.reference in refs(search_submissions(officer, text=wanted.national_id[:6]))


def test_facets_count_the_matches_by_status_type_channel_and_city(officer):
    file_request(city="جدة")
    file_request(city="جدة", status="under_review")
    file_request(city="الطائف")
    results = search_submissions(officer, text="")
    assert results.total == 3
    assert dict(results.facets["city"]) == {"جدة": 2, "الطائف": 1}
    filtered = search_submissions(officer, text="", filters={"city": "جدة"})
    assert filtered.total == 2


def test_a_coordinator_never_gets_a_help_request_not_even_in_a_count(db):
    coordinator = member("coordinator")
    file_request(full_name="نورة سالم العتيبي")
    application = file_application(full_name="نورة سالم العتيبي")
    results = search_submissions(coordinator, text="نورة العتيبي")
    assert refs(results) == [application.reference] and results.total == 1
    assert sum(count for _value, count in results.facets["status"]) == 1
    nobody = member("communications")
    assert search_submissions(nobody, text="نورة").total == 0


def test_a_failing_backend_never_stops_a_filing_and_the_rebuild_catches_up(officer):
    with mock.patch.object(DatabaseBackend, "index", side_effect=ConnectionError("search down")):
        request = file_request(full_name="جواهر فيصل المالكي")
    assert HelpRequest.objects.filter(pk=request.pk).exists()
    pending = SearchPending.objects.get(object_id=request.pk)
    assert pending.attempts == 1 and "search down" in pending.last_error
    assert search_submissions(officer, text="جواهر").total == 0
    health = service.health()
    assert health["kinds"]["help"]["pending"] == 1 and health["kinds"]["help"]["database"] == 1
    out = io.StringIO()
    call_command("rebuild_submission_index", stdout=out)
    assert "rebuilt" in out.getvalue() and "100.0%" in out.getvalue()
    assert refs(search_submissions(officer, text="جواهر")) == [request.reference]
    assert not SearchPending.objects.exists()
    assert service.health()["lag_seconds"] == 0


def test_indexing_removes_what_it_did_in_one_statement_and_keeps_what_changed_meanwhile(
    officer,
):
    with mock.patch.object(DatabaseBackend, "index", side_effect=ConnectionError("search down")):
        requests = [file_request(full_name=f"جواهر فيصل {n}") for n in range(3)]
    changed = requests[1]
    index = DatabaseBackend.index

    def changed_while_indexing(backend, documents):
        index(backend, documents)
        SearchPending.objects.filter(object_id=changed.pk).update(since=dt.datetime.now(dt.UTC))

    with (
        mock.patch.object(DatabaseBackend, "index", changed_while_indexing),
        CaptureQueriesContext(connection) as statements,
    ):
        assert service.index_pending() == (3, 1)
    deletes = [q for q in statements if q["sql"].startswith('DELETE FROM "search_searchpending"')]
    assert len(deletes) == 1
    assert list(SearchPending.objects.values_list("object_id", flat=True)) == [changed.pk]
    assert len(refs(search_submissions(officer, text="جواهر"))) == 3


def test_an_interrupted_rebuild_resumes_where_it_stopped(officer):
    requests = [file_request(full_name=f"سارة رقم {n}") for n in range(5)]
    SubmissionEntry.objects.all().delete()
    started = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for kind, total in (("help", 5), ("volunteer", 0)):
        IndexRebuild.objects.create(
            backend="database",
            kind=kind,
            total=total,
            started_at=started,
            last_object_id=requests[2].pk if kind == "help" else 0,
            done=3 if kind == "help" else 0,
        )
    out = io.StringIO()
    call_command("rebuild_submission_index", "--resume", stdout=out)
    assert "resuming" in out.getvalue()
    assert SubmissionEntry.objects.count() == 2  # only the two after the checkpoint were written
    assert IndexRebuild.objects.get(kind="help").done == 5
    call_command("rebuild_submission_index", "--no-progress", stdout=io.StringIO())
    assert SubmissionEntry.objects.count() == 5


def test_deleting_a_submission_removes_it_from_the_index(officer):
    request = file_request(full_name="ريما حسن الزهراني")
    assert search_submissions(officer, text="ريما").total == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        request.delete()
    assert search_submissions(officer, text="ريما").total == 0


def test_a_misspelt_word_finds_the_names_it_looks_like_and_only_when_it_matches_nothing(officer):
    wanted = file_request(full_name="إبراهيم عبدالله القحطاني", district="الفيصلية")
    file_request(full_name="إبراهيم سعد العتيبي", district="الصفا")
    file_request(full_name="نورة محمد القحطاني", district="الصفا")
    # قحطنى is no indexed word: looked up, it is taken as القحطاني; إبراهيم narrows it.
    assert refs(search_submissions(officer, text="ابراهيم القحطنى")) == [wanted.reference]
    assert refs(search_submissions(officer, text="الفيصليه ابراهيم")) == [wanted.reference]
    # Half typed: the start of the family name.
    assert refs(search_submissions(officer, text="ابراهيم القحط")) == [wanted.reference]
    # Every word is known but no request has them together: nothing, not a guess.
    assert search_submissions(officer, text="نورة العتيبي").total == 0
    # A word like nothing indexed finds nothing.
    assert search_submissions(officer, text="ابراهيم زخرفوش").total == 0


def test_what_counts_as_a_misspelling():
    assert looks_like("قحطني", "قحطاني")  # trigrams
    assert looks_like("حري", "حربي")  # a letter left out of a short word
    assert looks_like("حبري", "حربي")  # two letters swapped
    assert not looks_like("حري", "حمد")
    assert not looks_like("زخرفوش", "ابراهيم")
    assert edit_distance("kitten", "sitting", limit=3) == 3
    assert edit_distance("kitten", "sitting", limit=1) == 2


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the word list for misspellings is PostgreSQL's (SQLite compares trigrams directly)",
)
def test_erased_names_leave_the_word_list_with_the_daily_tasks(officer):
    from django.db import connection

    from forms.privacy import person_data_erase

    request = file_request(full_name="ريما حسن الزهراني")
    file_request(full_name="خالد سعد العتيبي")

    def words():
        with connection.cursor() as cursor:
            cursor.execute("SELECT word FROM search_submission_words")
            return {word for (word,) in cursor.fetchall()}

    assert {"ريما", "زهراني", "عتيبي"} <= words()
    with TestCase.captureOnCommitCallbacks(execute=True):
        person_data_erase(national_id=request.national_id)
    call_command("run_daily_tasks", stdout=io.StringIO())  # prunes, among the daily tasks
    assert not {"ريما", "زهراني"} & words() and "عتيبي" in words()
    assert search_submissions(officer, text="ريما الزهرانى").total == 0


def test_the_health_command_reports_backend_counts_and_lag(officer):
    file_request()
    out = io.StringIO()
    call_command("submission_index_health", stdout=out)
    assert '"backend": "database"' in out.getvalue() and '"lag_seconds": 0' in out.getvalue()


def test_the_index_holds_only_what_staff_search_on():
    fields = {field.name for field in SubmissionEntry._meta.get_fields()}
    assert not fields & {"date_of_birth", "monthly_income", "email", "tracking_salt"}


def test_judged_staff_queries_meet_the_floor(officer):
    from forms.kinds.help import help_request_submit
    from tests.inbox.conftest import CONSENTS, help_data

    wanted = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        for row in background():
            help_request_submit(data=help_data(**row), consents=CONSENTS)
        for row in targets():
            request, _ = help_request_submit(data=help_data(**row), consents=CONSENTS)
            wanted.append(request.reference)
    queries = judged_queries()
    assert len(queries) >= 40
    ranked = [
        (text, refs(search_submissions(officer, text=text, per_page=10)), wanted[index])
        for text, index in queries
    ]
    score = score_ranking(ranked)
    from django.db import connection

    print(
        f"\n[quality] submissions {connection.vendor}: MRR {score.mrr:.3f}, recall@10 {score.recall_at_10:.3f}, misses {score.misses}"
    )
    assert score.mrr >= 0.8 and score.recall_at_10 >= 0.9, score


# --- Elasticsearch: mappings, analysers and queries as data; live when a server is set ---------


def test_the_elasticsearch_documents_have_arabic_analysis_keywords_and_edge_ngrams():
    from search.index.elastic import index_definition

    definition = index_definition("sila-help-requests-v1").to_dict()
    analysis = definition["settings"]["analysis"]
    assert analysis["analyzer"]["sila_arabic"]["filter"] == [
        "lowercase",
        "decimal_digit",
        "arabic_normalization",
        "sila_arabic_stem",
    ]
    assert analysis["tokenizer"]["sila_edge"]["type"] == "edge_ngram"
    properties = definition["mappings"]["properties"]
    for keyword in (
        "reference",
        "national_id",
        "phone",
        "status",
        "support_type",
        "channel",
        "city",
    ):
        assert properties[keyword]["type"] == "keyword", keyword
    assert properties["name"]["analyzer"] == "sila_arabic"
    assert properties["name"]["fields"]["partial"]["analyzer"] == "sila_partial"
    # The words as the database's word list holds them, matched exactly.
    assert properties["name"]["fields"]["words"] == {"type": "text", "analyzer": "sila_words"}
    assert properties["text"]["fields"]["words"] == {"type": "text", "analyzer": "sila_words"}
    assert analysis["analyzer"]["sila_words"] == {"type": "custom", "tokenizer": "whitespace"}
    # No field is scored with the shard's statistics (every association's documents).
    assert definition["settings"]["similarity"] == {"default": {"type": "boolean"}}
    assert properties["phone"]["fields"]["partial"]["analyzer"] == "sila_partial"
    assert "date_of_birth" not in properties and "monthly_income" not in properties


def test_the_elasticsearch_queries_normalise_like_the_database(officer):
    from search.index.elastic import build_search

    site_id = file_request(full_name="إبراهيم أحمد الأسمري", district="الفيصلية").site_id
    indexes = {"help": "sila-help-requests", "volunteer": "sila-volunteer-applications"}
    phone = build_search(
        SubmissionQuery(text="٠٥٥١٢٣٤٥٦٧", kinds=("help",), site_id=site_id), indexes
    ).to_dict()
    should = phone["query"]["bool"]["should"]
    assert {"constant_score": {"filter": {"term": {"phone": "551234567"}}, "boost": 10}} in should
    name = build_search(
        SubmissionQuery(
            text="إبراهيم الأسمري", kinds=("help",), filters={"status": ["referred"]}, site_id=7
        ),
        indexes,
    ).to_dict()
    # Site 7 holds none of these words: nothing can match, nothing is expanded.
    assert name["query"]["bool"]["filter"] == [
        {"match_none": {}},
        {"term": {"site": 7}},
        {"terms": {"status": ["referred"]}},
    ]
    name = build_search(
        SubmissionQuery(text="إبراهيم الأسمري", kinds=("help",), site_id=site_id), indexes
    ).to_dict()
    words = name["query"]["bool"]
    assert words["filter"] == [
        {"terms": {"text.words": ["ابراهيم"]}},
        {"terms": {"text.words": ["اسمر"]}},
        {"term": {"site": site_id}},
    ]
    # 2 for a word of the name, 1 for the start of one (the name holds اسمري): name_score.
    assert words["should"][1]["dis_max"]["queries"] == [
        {"constant_score": {"filter": {"terms": {"name.words": ["اسمر"]}}, "boost": 2}},
        {
            "constant_score": {
                "filter": {"bool": {"should": [{"match": {"name.partial": "اسمر"}}]}},
                "boost": 1,
            }
        },
    ]
    assert name["sort"] == [{"_score": {"order": "desc"}}, {"submitted_at": {"order": "desc"}}]
    assert set(name["aggs"]) == {"status", "support_type", "channel", "city"}
    assert name["_source"] == ["reference", "name"] and "highlight" not in name
    search = build_search(SubmissionQuery(text="", kinds=("volunteer",)), indexes)
    assert search._index == ["sila-volunteer-applications"]
    assert search.to_dict()["sort"] == [{"submitted_at": {"order": "desc"}}]


def test_the_backend_follows_the_settings():
    from search.index.elastic import ElasticsearchBackend

    base._backend.cache_clear()
    try:
        with override_settings(
            SUBMISSION_SEARCH_BACKEND="search.index.elastic.ElasticsearchBackend"
        ):
            assert isinstance(get_backend(), ElasticsearchBackend)
        assert isinstance(get_backend(), DatabaseBackend)
    finally:
        base._backend.cache_clear()


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="no Elasticsearch server: set ELASTICSEARCH_URL to run the live suite",
)
def test_live_elasticsearch_index_search_rebuild(officer, settings):
    from search.index.elastic import ElasticsearchBackend

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.SUBMISSION_SEARCH_BACKEND = "search.index.elastic.ElasticsearchBackend"
    settings.SUBMISSION_SEARCH_INDEX_PREFIX = f"sila-test-{os.getpid()}"
    base._backend.cache_clear()
    try:
        backend = get_backend()
        assert isinstance(backend, ElasticsearchBackend)
        wanted = file_request(full_name="إبراهيم أحمد الأسمري", mobile="+966551234567")
        file_request(full_name="خالد سعد العتيبي", mobile="+966561111111")
        assert refs(search_submissions(officer, text="٠٥٥١٢٣٤٥٦٧")) == [wanted.reference]
        assert refs(search_submissions(officer, text="ابراهيم الاسمري"))[:1] == [wanted.reference]
        assert search_submissions(officer, text=wanted.national_id).total == 1
        call_command("rebuild_submission_index", "--no-progress", stdout=io.StringIO())
        assert backend.count("help") == 2
    finally:
        from search.index.elastic import alias

        for kind in ("help", "volunteer"):
            backend.client.indices.delete(index=f"{alias(kind)}-*", ignore_unavailable=True)
        base._backend.cache_clear()


def test_the_staff_search_api_answers_with_hits_and_facets_for_the_users_kinds(client):
    coordinator = member("coordinator")
    file_request(full_name="نورة سالم العتيبي", city="جدة")
    application = file_application(full_name="نورة سالم العتيبي", city="جدة")
    client.force_login(coordinator)
    data = client.get("/api/v1/staff/search/", {"q": "نوره العتيبي"}).json()
    assert data["total"] == 1 and data["hits"][0]["reference"] == application.reference
    assert data["facets"]["city"] == [{"value": "جدة", "count": 1}]
    client.force_login(member("secretary"))
    assert client.get("/api/v1/staff/search/", {"q": "نورة"}).status_code == 403


def test_the_elasticsearch_answer_is_read_into_the_shared_results_shape():
    """The server's JSON (as Elasticsearch 8 answers) becomes hits and facets; the request
    sent is the one built above."""
    from types import SimpleNamespace

    from search.index.elastic import ElasticsearchBackend

    sent = {}

    class Client:
        def search(self, **kwargs):
            sent.update(kwargs)
            return SimpleNamespace(
                body={
                    "hits": {
                        "total": {"value": 1, "relation": "eq"},
                        "max_score": 3.2,
                        "hits": [
                            {
                                "_index": "sila-help-requests-v20261121t101500",
                                "_id": "42",
                                "_score": 3.2,
                                "_source": {
                                    "reference": "HR-2026-000042",
                                    "name": "ابراهيم اسمري",
                                },
                            }
                        ],
                    },
                    "aggregations": {
                        "status": {"buckets": [{"key": "referred", "doc_count": 1}]},
                        "support_type": {"buckets": [{"key": "3", "doc_count": 1}]},
                        "channel": {"buckets": [{"key": "website", "doc_count": 1}]},
                        "city": {"buckets": [{"key": "جدة", "doc_count": 1}]},
                    },
                }
            )

    backend = ElasticsearchBackend()
    backend.__dict__["client"] = Client()
    DatabaseBackend().index([entry(1, "إبراهيم الأسمري")])  # the association's words
    results = backend.search(SubmissionQuery(text="ابراهيم", kinds=("help",), site_id=1))
    assert sent["index"] == ["sila-help-requests"] and sent["ignore_unavailable"] is True
    assert results.total == 1
    hit = results.hits[0]
    assert (hit.kind, hit.object_id, hit.reference) == ("help", 42, "HR-2026-000042")
    assert hit.highlight == "<mark>ابراهيم</mark> اسمري"
    assert results.facets["city"] == [("جدة", 1)]


# --- Elasticsearch: one association's query is never moved by another's data ----------------

A, B = 1, 2


def _ours() -> list[dict]:
    return [
        entry(A, "إبراهيم عبدالله القحطاني", "الفيصلية"),
        entry(A, "فاطمة علي الدوسري", "الروضة"),
        entry(A, "عبدالرحمن سعد القحطاني", "الصفا"),
        entry(A, "نورة محمد العتيبي", "الملز"),
    ]


def _theirs(n: int) -> list[dict]:
    """Many submissions of B, full of A's query words and of words like them."""
    families = ("القحطنى", "القحطان", "القحطاني", "الدوسيري", "الدوسري", "العتيبى", "القحطانيه")
    firsts = ("ابراهيم", "ابرهيم", "فاطمه", "عبدالرحمن", "نوره", "عبدالله", "ابراهيمي")
    return [
        entry(B, f"{firsts[i % 7]} {families[(i // 7) % 7]} {'قحط' + 'ا' * (i % 5)}", "الفيصلية")
        for i in range(n)
    ]


QUERIES_A = (
    "ابراهيم القحطنى",  # a misspelt family name
    "القحط",  # the start of one
    "فاطمة الدوسيري",
    "عبدالرحمن القحطاني",
    "نوره العتيبي",
    "ابراهيم الفيصليه",
    "0551234567",
)


def _requests(site_id: int) -> dict[str, dict]:
    from search.index.elastic import build_search

    indexes = {"help": "sila-help-requests"}
    return {
        text: build_search(
            SubmissionQuery(text=text, kinds=("help",), site_id=site_id), indexes
        ).to_dict()
        for text in QUERIES_A
    }


def _asked_words(request: dict) -> set[str]:
    """The words a request matches the text against (its only terms: no expansions)."""
    out = set()
    for clause in request["query"]["bool"]["filter"]:
        out.update(clause.get("terms", {}).get("text.words", []))
    return out


def test_an_association_elasticsearch_request_is_built_from_its_own_words_only():
    """Misspellings and starts are expanded from the association's own word list, sent as
    exact terms: no fuzzy or prefix query expands over the shard's terms (where another
    association's words would use up the expansions), and no clause is scored by statistics of
    the shard. So the request is the same whether or not another association holds many words
    like the query's."""
    from search.index.elastic import index_definition

    backend = DatabaseBackend()
    backend.index(_ours())
    before = _requests(A)
    definition = index_definition("sila-help-requests-v1").to_dict()
    ours_words = {word for doc in _ours() for word in doc["text"].split()}
    for text, request in before.items():
        assert shard_statistics_read(definition, request["query"]) == [], text
        assert _asked_words(request) <= ours_words, text
    assert {"قحطاني"} <= _asked_words(before["ابراهيم القحطنى"])
    assert {"قحطاني", "دوسري"} & _asked_words(before["القحط"]) == {"قحطاني"}
    assert "دوسري" in _asked_words(before["فاطمة الدوسيري"])

    backend.index(_theirs(300))
    assert _requests(A) == before
    # B holds القحطنى as it is typed: its own request asks it, A's never does.
    assert "قحطن" in _asked_words(_requests(B)["ابراهيم القحطنى"])
    assert "قحطن" not in _asked_words(before["ابراهيم القحطنى"])


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="no Elasticsearch server: set ELASTICSEARCH_URL to run the live suite",
)
def test_live_another_association_submissions_never_change_the_scores_or_the_order(settings):
    """As test_statistics_by_association shows for the database: A's hits, order and scores
    are the same before and after B gains many submissions full of A's query words."""
    from search.index.elastic import ElasticsearchBackend, alias

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.SUBMISSION_SEARCH_INDEX_PREFIX = f"sila-test-{os.getpid()}"
    backend = ElasticsearchBackend()

    def answers() -> dict[str, list]:
        out = {}
        for text in QUERIES_A:
            results = backend.search(SubmissionQuery(text=text, kinds=("help",), site_id=A))
            assert not results.fallback
            out[text] = (results.total, [(hit.reference, hit.score) for hit in results.hits])
        return out

    ours = _ours()  # the same submissions throughout (each call numbers new ones)
    try:
        backend.index(ours)
        before = answers()
        assert before["ابراهيم القحطنى"][0] == 1 and before["القحط"][0] == 2
        backend.index(_theirs(300))
        assert answers() == before
        target = backend.rebuild_start()
        backend.rebuild_index(target, [*ours, *_theirs(600)])
        backend.rebuild_finish(target)
        assert answers() == before
    finally:
        backend.client.indices.delete(index=f"{alias('help')}-*", ignore_unavailable=True)


def test_an_index_built_from_an_older_definition_is_rebuilt_by_the_release_step():
    from search.index.elastic import ElasticsearchBackend, alias, index_definition
    from search.index.registry import indexed_kinds

    current = index_definition("sila-help-requests-v2").to_dict()["mappings"]

    class Indices:
        mappings = {}

        def exists_alias(self, name):
            return True

        def get_mapping(self, index):
            return {f"{index}-v1": {"mappings": self.mappings[index]}}

    class Client:
        indices = Indices()

    backend = ElasticsearchBackend()
    backend.__dict__["client"] = Client()
    Indices.mappings = {alias(kind): current for kind in indexed_kinds()}
    assert not backend.outdated()
    older = {**current, "_meta": {"definition": "0123456789abcdef"}}
    Indices.mappings[alias("help")] = older
    assert backend.outdated()
    # Without one (made before the fingerprint was kept): outdated too.
    Indices.mappings[alias("help")] = {"properties": current["properties"]}
    assert backend.outdated()
    out = io.StringIO()
    call_command("rebuild_submission_index", "--if-outdated", stdout=out)
    assert "up to date" in out.getvalue()  # the database backend: never outdated
