"""Search structures that count words are each association's own: a word only another
association's submissions hold is never taken for what a query word is a misspelling of, and
one association's site-search scores never move when another's documents come or go. The
database backends live (SQLite here, PostgreSQL with DATABASE_URL)."""

import datetime as dt
from itertools import count

import pytest

from django.db import connection
from django.utils import timezone

from search.index import site as site_index
from search.index.database import DatabaseBackend
from search.index.query import ParsedText, SubmissionQuery
from search.index.site import SiteDocumentText
from search.models import SiteIndexStats, SiteTerm
from search.text.arabic import index_text
from search.text.names import name_words

pytestmark = pytest.mark.django_db

A, B = 1, 2  # two associations (the index knows them by their site's id only)
_ids = count(1)


def entry(site_id: int, full_name: str, district: str = "") -> dict:
    """An index entry as the intake app hands it to the backend."""
    n = next(_ids)
    name = " ".join(name_words(full_name))
    return {
        "kind": "help",
        "object_id": n,
        "site_id": site_id,
        "reference": f"HR-2026-{n:06d}",
        "national_id": f"10{n:08d}",
        "phone": f"55{n:07d}",
        "name": name,
        "text": " ".join([name, index_text(full_name, district)]).strip(),
        "status": "received",
        "support_type_id": None,
        "channel": "web",
        "city": "جدة",
        "assignee_id": None,
        "submitted_at": timezone.now() - dt.timedelta(minutes=n),
    }


def search(site_id: int, text: str):
    return DatabaseBackend().search(SubmissionQuery(text=text, kinds=("help",), site_id=site_id))


def test_a_word_only_another_association_holds_is_never_an_expansion():
    backend = DatabaseBackend()
    ibrahim = entry(A, "إبراهيم عبدالله القحطاني", "الفيصلية")
    fatima = entry(A, "فاطمة علي الدوسري", "الروضة")
    # B's applicants: rare family names spelt as A's officer misspells A's (القحطنى, الدوسيري),
    # and a name like a word A holds nowhere.
    theirs = [
        entry(B, "سعد محمد القحطنى", "الصفا"),
        entry(B, "سعد محمد الدوسيري", "الصفا"),
        entry(B, "خالد علي الزهراني", "الروضة"),
    ]
    backend.index([ibrahim, fatima, *theirs])

    # These are no words of A's submissions: in A they are misspellings of A's own names, even
    # though B holds them exactly; B's words neither hide A's applicants nor show up.
    for text, wanted in (
        ("ابراهيم القحطنى", ibrahim),
        ("القحطنى", ibrahim),
        ("فاطمة الدوسيري", fatima),
        ("الدوسيري", fatima),
    ):
        results = search(A, text)
        assert [hit.reference for hit in results.hits] == [wanted["reference"]], text
        assert results.total == 1 and sum(n for _v, n in results.facets["status"]) == 1
        highlights = " ".join(hit.highlight for hit in results.hits)
        assert "قحطني" not in highlights and "دوسيري" not in highlights, text
    # A word like only B's words finds nothing in A, and counts nothing.
    for text in ("الزهرانى", "ابراهيم الزهرانى", "الزهر"):
        results = search(A, text)
        assert results.total == 0 and results.hits == [], text
        assert all(not values for values in results.facets.values()), text
    # B's officer still finds B's own words (and A's names are nothing there).
    assert search(B, "الزهرانى").total == 1
    assert search(B, "الدوسيري").total == 1
    assert search(B, "ابراهيم القحطاني").total == 0


def test_another_association_submissions_never_change_the_scores_or_the_order():
    backend = DatabaseBackend()
    # A's applicants: the query's words in the name, at its start, or only in the place.
    ours = [
        entry(A, "محمد عبدالله الشهري", "الروضة"),
        entry(A, "عبدالله محمد الشهري", "النسيم"),
        entry(A, "محمدين سعد الشهري", "الشهري"),
        entry(A, "سعد علي الغامدي", "محمد"),
        entry(A, "فهد محمد العتيبي", "الشهري"),
    ]
    backend.index(ours)
    queries = ("محمد", "محمد الشهري", "الشهري", "محمد الشهرى")

    def ranked():
        return {
            text: [(hit.reference, hit.score) for hit in search(A, text).hits] for text in queries
        }

    before = ranked()
    assert all(before.values())
    # B's many applicants full of the same words, in names long and short: on SQLite, bm25()
    # read the whole table's word counts and lengths, so they moved A's scores and order.
    theirs = [
        entry(B, " ".join(["محمد"] * (1 + i % 4) + ["الشهري"] * (i % 3) + ["خالد"] * (i % 5)))
        for i in range(150)
    ]
    backend.index(theirs)
    assert ranked() == before  # the same requests, order and scores
    assert search(B, "محمد الشهري").total > 0
    backend.remove("help", [item["object_id"] for item in theirs[:100]])
    assert ranked() == before


def test_the_word_lookups_read_only_the_association_words():
    backend = DatabaseBackend()
    backend.index([entry(A, "نورة سعد العتيبي"), entry(B, "خالد علي الزهراني")])
    parsed = ParsedText.parse("الزهرانى")
    if connection.vendor == "postgresql":
        # The expansions offered for A's query: none of B's words.
        assert backend._corrected(parsed, A) is None
        assert backend._corrected(parsed, B) is not None  # B holds it
        with connection.cursor() as cursor:
            cursor.execute("SELECT site_id, word FROM search_submission_words")
            words = set(cursor.fetchall())
        assert (B, "زهراني") in words and (A, "زهراني") not in words
        # A word both hold, erased from B: pruned from B's words alone.
        theirs = entry(B, "منى علي العتيبي")
        backend.index([theirs])
        backend.remove("help", [theirs["object_id"]])
        backend.prune()
        with connection.cursor() as cursor:
            cursor.execute("SELECT site_id FROM search_submission_words WHERE word = 'عتيبي'")
            assert cursor.fetchall() == [(A,)]
    else:
        with connection.cursor() as cursor:
            assert backend._similar_sqlite(cursor, A, parsed.spellings[0]) == {}
            assert backend._fts(cursor, A, [["زهران"]], 10) == {}
            assert len(backend._similar_sqlite(cursor, B, parsed.spellings[0])) == 1


# --- site search -------------------------------------------------------------------------------

SITE_A, SITE_B = 91, 92  # associations with no documents yet (the default site has services)
QUERIES = ("تقديم طلب الدعم", "مدة الرد", "الشكاوى والمقترحات", "طلب دعم مالي")


def document(site_id: int, key: str, title: str, body: str = "") -> SiteDocumentText:
    return SiteDocumentText(key=key, kind="faq", site_id=site_id, title=title, body=body)


def ours() -> list[SiteDocumentText]:
    return [
        document(SITE_A, "faq:1:apply", "تقديم طلب الدعم", "يقدم الطلب عبر المنصة أو في الفرع"),
        document(SITE_A, "faq:1:reply", "مدة الرد على الطلب", "نرد خلال أسبوعين من تقديم الطلب"),
        document(
            SITE_A, "faq:1:complaints", "الشكاوى والمقترحات", "نرد على كل شكوى ونقدر المقترحات"
        ),
        document(SITE_A, "faq:1:money", "الدعم المالي", "يصرف الدعم المالي بعد دراسة الطلب"),
        document(SITE_A, "faq:1:volunteer", "التطوع", "سجل طلب التطوع وسنتواصل معك"),
    ]


def theirs(n: int) -> list[SiteDocumentText]:
    """Many long documents of B, full of A's query words."""
    body = " ".join(["طلب الدعم المالي والرد على الشكاوى والمقترحات ومدة تقديم الطلب"] * 12)
    return [
        document(SITE_B, f"faq:2:{i}", f"طلب الدعم رقم {i}", f"{body} {'كلمة ' * i}")
        for i in range(n)
    ]


def scores(site_id: int = SITE_A) -> dict[str, list]:
    out = {}
    for text in QUERIES:
        hits = site_index.search(site_index.parse_query(text, site_id=site_id))
        out[text] = [(key, hits.scores[key]) for key in hits.keys]
    return out


def test_another_association_documents_never_change_the_scores_or_the_order():
    site_index.index_documents(ours())
    before = scores()
    assert all(before.values()) and not any(
        key.startswith("faq:2:") for found in before.values() for key, _ in found
    )

    site_index.index_documents(theirs(60))
    assert scores() == before  # the same keys, order and scores, to the last digit
    assert scores(SITE_B)["طلب دعم مالي"]  # B's own search finds its own

    site_index.remove_documents([d.key for d in theirs(60)[:45]])
    assert scores() == before

    site_index.rebuild([*ours(), *theirs(30)])
    assert scores() == before


def test_term_counts_and_averages_are_kept_per_association():
    site_index.index_documents([*ours(), *theirs(3)])
    held = dict(SiteTerm.objects.filter(site_id=SITE_A).values_list("term", "documents"))
    held_b = dict(SiteTerm.objects.filter(site_id=SITE_B).values_list("term", "documents"))
    term = next(iter(site_index.parse_query("الطلب").words[0].terms))
    assert held[term] == 4 and held_b[term] == 3
    stats = {row.site_id: row for row in SiteIndexStats.objects.all()}
    assert {SITE_A, SITE_B} <= set(stats)
    assert stats[SITE_A].body_length < stats[SITE_B].body_length
    # A removed association leaves no statistics behind, and takes none of the other's.
    site_index.forget_association(SITE_B)
    assert not SiteTerm.objects.filter(site_id=SITE_B).exists()
    assert not SiteIndexStats.objects.filter(site_id=SITE_B).exists()
    assert dict(SiteTerm.objects.filter(site_id=SITE_A).values_list("term", "documents")) == held
    assert SiteIndexStats.objects.get(site_id=SITE_A).body_length == stats[SITE_A].body_length
