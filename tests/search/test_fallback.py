"""Elasticsearch configured but down (a closed port): page search and submission search answer
from the database, /readyz and the logs say so, and search goes back to the server once it is
back; what the server missed is kept to be sent again."""

import logging

import pytest

from django.core.cache import cache

from cms.models import FAQ, FAQCategory, FAQPage
from search.index import base
from search.index import site as site_index
from search.index.service import index_pending, search_submissions
from search.models import SearchPending, SiteDocument
from tests.inbox.conftest import file_request, member

pytestmark = pytest.mark.django_db

CLOSED_PORT = "http://127.0.0.1:8799"  # nothing listens there


@pytest.fixture
def elasticsearch_down(settings):
    settings.ELASTICSEARCH_URL = CLOSED_PORT
    settings.SUBMISSION_SEARCH_BACKEND = "search.index.elastic.ElasticsearchBackend"
    base._backend.cache_clear()
    from search.index import site_elastic

    site_elastic._elastic.cache_clear()
    cache.clear()
    yield
    base._backend.cache_clear()
    site_elastic._elastic.cache_clear()
    cache.clear()


@pytest.fixture
def faq(home):
    page = FAQPage(slug="faq", title="الأسئلة الشائعة", title_ar="الأسئلة الشائعة", title_en="FAQ")
    home.add_child(instance=page)
    page.save_revision().publish()
    category = FAQCategory.objects.create(slug="c", name="الشكاوى", name_ar="الشكاوى", name_en="c")
    return category


def test_page_search_answers_from_the_database_and_readyz_says_so(
    client, faq, elasticsearch_down, caplog
):
    with caplog.at_level(logging.WARNING):
        FAQ.objects.create(
            slug="complaint", category=faq, question="كيف أقدم شكوى؟", question_ar="كيف أقدم شكوى؟",
            answer="<p>عبر النموذج.</p>", answer_ar="<p>عبر النموذج.</p>",
        )  # fmt: skip
        # The server missed it: the document is kept to be sent again.
        assert SiteDocument.objects.get(key=f"faq:{faq.site_id}:complaint").elastic_stale
        response = client.get("/api/v1/search/", {"q": "شكوى", "locale": "ar"})
        assert response.status_code == 200
        assert [r["key"] for r in response.json()["results"]] == ["faq:complaint"]
        assert client.get("/ar/search/", {"q": "شكوى"}).status_code == 200
    assert "Elasticsearch unreachable" in caplog.text
    search = client.get("/readyz").json()["checks"]["search"]
    assert search["ok"] is True and search["fallback"] is True
    assert search["elasticsearch"] == "unreachable"
    assert search["site"]["backend"] == "database" and search["site"]["stale_documents"] == 1


def test_page_search_goes_back_to_elasticsearch_when_it_is_back(faq, elasticsearch_down):
    from search.index import site_elastic

    FAQ.objects.create(
        slug="complaint", category=faq, question="شكوى", question_ar="شكوى", answer="<p>x</p>"
    )
    query = site_index.parse_query("شكوى")
    assert site_index.search(query).fallback is True
    asked = []

    def answering(query, *, limit):
        asked.append(query)
        return site_index.SiteHits(["faq:complaint"], {"faq:complaint": 1.0}, 1, "elasticsearch")

    site_elastic.elastic().search = answering
    assert site_index.search(query).fallback is True  # still within the retry pause
    cache.delete(site_index.ELASTIC_DOWN_KEY)  # the pause is over
    hits = site_index.search(query)
    assert hits.backend == "elasticsearch" and not hits.fallback and asked


def test_submission_search_answers_from_the_database_and_keeps_the_work_pending(
    client, elasticsearch_down
):
    officer = member("officer")
    wanted = file_request(full_name="إبراهيم أحمد الأسمري")
    index_pending()
    # The database has it; the server still has to get it.
    assert SearchPending.objects.filter(object_id=wanted.pk).exists()
    results = search_submissions(officer, text="ابراهيم الاسمري")
    assert results.fallback is True
    assert [hit.reference for hit in results.hits] == [wanted.reference]
    client.force_login(officer)
    response = client.get("/api/v1/staff/search/", {"q": "ابراهيم"})
    assert response.status_code == 200
    assert response.json()["hits"][0]["reference"] == wanted.reference
    inbox = client.get("/admin/inbox/help-requests/", {"q": "ابراهيم"})
    assert inbox.status_code == 200 and wanted.reference in inbox.content.decode()
