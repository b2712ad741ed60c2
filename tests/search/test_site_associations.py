"""Site search on an install of several associations: two associations with the same policy slug,
the same question slug and pages alike are indexed side by side, and a search on one host never
finds, counts or suggests anything of the other, on the API, the HTML page and Elasticsearch's
query alike; each association's synonyms count on its own site only."""

import pytest

from django.test import override_settings

from wagtail.models import Site

from cms.models import FAQ, FAQCategory, FAQPage, PolicyIndexPage
from portal.core.associations import association
from search.index import site as site_index
from search.index.site_elastic import SiteElasticsearch
from search.models import SiteDocument, SiteWord, SynonymSet
from search.site.indexing import missing_documents, rebuild_site_index
from search.site.ranking import find
from search.site.synonyms import DEFAULT_SYNONYMS, association_synonyms_create
from tests.associations import OTHER_HOST, association_add, member_of
from tests.cms.conftest import approve, catalogue, make_policy, secretary, term  # noqa: F401
from tests.cms.test_associations import term_of
from tests.factories import ContentPageFactory

pytestmark = pytest.mark.django_db

HOST_A = "localhost"
HOST_B = OTHER_HOST
# Each association's own words: found on its host, never on the other's.
OWN = {"a": "الزكاة", "b": "الكفالة"}
TYPO_OF_B = "الكفالت"  # one letter from B's word: never suggested on A


def _faq_page(home):
    page = FAQPage(slug="faq", title="الأسئلة", title_ar="الأسئلة", title_en="FAQ")
    home.add_child(instance=page)
    page.save_revision().publish()


def _faq(site, side):
    category = FAQCategory.all_sites.create(
        site=site, slug="general", name="عام", name_ar="عام", name_en="General"
    )
    return FAQ.all_sites.create(
        site=site, category=category, slug="shared-slug",
        question=f"كيف أتطوع في برنامج {OWN[side]}", question_ar=f"كيف أتطوع في برنامج {OWN[side]}",
        answer=f"<p>التطوع متاح في {OWN[side]}</p>", answer_ar=f"<p>التطوع متاح في {OWN[side]}</p>",
    )  # fmt: skip


def _policy(parent, side, user, board_term):
    policy = make_policy(
        parent,
        slug="shared-policy",
        title=f"سياسة التطوع و{OWN[side]}",
        title_ar=f"سياسة التطوع و{OWN[side]}",
        summary_ar=f"تنظيم التطوع في {OWN[side]}",
    )
    approve(policy, user, board_term)
    return policy


@pytest.fixture
def pair(home, profile, catalogue, secretary, term):  # noqa: F811
    """Association A (the default) and B, each with a policy `shared-policy`, a question
    `shared-slug` and a page `volunteering`, all about volunteering (التطوع) and its own word."""
    site_a = Site.objects.get(is_default_site=True)
    site_b = association_add()
    home_b = site_b.root_page
    catalogue_b = PolicyIndexPage(
        slug="policies", title="السياسات", title_ar="السياسات", title_en="Policies"
    )
    home_b.add_child(instance=catalogue_b)
    catalogue_b.save_revision().publish()
    for site_home in (home, home_b):
        _faq_page(site_home)
    _policy(catalogue, "a", secretary, term)
    _policy(catalogue_b, "b", member_of(site_b, "secretary"), term_of(site_b))
    for side, parent in (("a", home), ("b", home_b)):
        page = ContentPageFactory(
            parent=parent,
            slug="volunteering",
            title=f"التطوع و{OWN[side]}",
            title_ar=f"التطوع و{OWN[side]}",
            body_ar=f"<p>التطوع في {OWN[side]}</p>",
        )
        page.save_revision().publish()  # indexed as an editor's publishing does
    faqs = {"a": _faq(site_a, "a"), "b": _faq(site_b, "b")}
    return {"a": site_a, "b": site_b, "faqs": faqs}


def api(client, host, query, language="ar"):
    response = client.get("/api/v1/search/", {"q": query, "locale": language}, HTTP_HOST=host)
    assert response.status_code == 200
    return response.json()


def texts(data) -> str:
    return " ".join(f"{r['title']} {r['snippet']} {r['url']}" for r in data["results"])


def test_the_same_slugs_in_two_associations_are_indexed_side_by_side(pair):
    assert rebuild_site_index() > 0  # no clash of keys
    assert missing_documents() == 0
    for side in ("a", "b"):
        site_id = pair[side].pk
        kinds = set(SiteDocument.objects.filter(site_id=site_id).values_list("kind", flat=True))
        assert kinds == {"policy", "faq", "page", "service"}, side
        assert SiteDocument.objects.filter(key=f"policy:{site_id}:shared-policy").exists()
        assert SiteDocument.objects.filter(key=f"faq:{site_id}:shared-slug").exists()
    assert not SiteDocument.objects.filter(site_id__isnull=True).exists()
    # Every posting is its document's association's.
    for document in SiteDocument.objects.all():
        assert set(document.postings.values_list("site_id", flat=True)) == {document.site_id}


@pytest.mark.parametrize("rebuilt", [False, True], ids=["as-saved", "rebuilt"])
@pytest.mark.parametrize(("side", "host", "other"), [("a", HOST_A, "b"), ("b", HOST_B, "a")])
def test_a_search_on_one_host_finds_and_counts_only_its_association(
    pair, client, side, host, other, rebuilt
):
    if rebuilt:
        rebuild_site_index()
    data = api(client, host, "التطوع")
    kinds = sorted(result["kind"] for result in data["results"])
    assert kinds == ["faq", "page", "policy", "service"], kinds
    assert data["count"] == 4  # the other association's three are not counted
    found = texts(data)
    assert OWN[side] in found and OWN[other] not in found
    assert "faq:shared-slug" in [result["key"] for result in data["results"]]
    # The other association's own word finds nothing here, in any language.
    for language in ("ar", "en"):
        nothing = api(client, host, OWN[other], language)
        assert nothing["results"] == [] and nothing["count"] == 0
        assert OWN[other] not in (nothing.get("suggestion") or "")


def test_the_html_page_shows_only_the_hosts_association(pair, client):
    for side, host, other in (("a", HOST_A, "b"), ("b", HOST_B, "a")):
        page = client.get("/ar/search/", {"q": "التطوع"}, HTTP_HOST=host)
        assert page.status_code == 200
        html = page.content.decode()
        assert OWN[side] in html and OWN[other] not in html


def test_did_you_mean_offers_only_the_hosts_words(pair, client):
    assert SiteWord.objects.filter(site_id=pair["b"].pk, word__contains="كفال").exists()
    on_b = api(client, HOST_B, TYPO_OF_B)
    assert OWN["b"] in on_b["suggestion"] and on_b["results"]
    on_a = api(client, HOST_A, TYPO_OF_B)
    assert "كفال" not in (on_a.get("suggestion") or "") and on_a["results"] == []


def test_each_associations_synonyms_count_on_its_site_only(pair, client):
    # On B, رعاية means كفالة; A's readers are not told so.
    with association(pair["b"]):
        SynonymSet.objects.create(words="رعاية، كفالة")
    assert SynonymSet.all_sites.get(words="رعاية، كفالة").site == pair["b"]
    assert [r["kind"] for r in api(client, HOST_B, "رعاية")["results"]]
    # A holds كفالة too (a question of its own), but the synonym is B's.
    faq_a = pair["faqs"]["a"]
    faq_a.answer_ar = faq_a.answer = "<p>كفالة الأيتام</p>"
    faq_a.save()
    assert api(client, HOST_A, "كفالة")["results"]
    assert api(client, HOST_A, "رعاية")["results"] == []
    # A's synonym sets are not B's: B's list in the admin holds its own only.
    with association(pair["a"]):
        assert not SynonymSet.objects.filter(words__contains="رعاية").exists()


def test_a_new_association_starts_with_the_default_synonyms(pair):
    site_b = pair["b"]
    assert association_synonyms_create(site_b) == len(DEFAULT_SYNONYMS)
    assert association_synonyms_create(site_b) == 0  # idempotent
    assert site_index.synonym_sets(site_b.pk)
    assert site_index.synonym_sets(None) == []


def test_removing_a_site_forgets_its_documents_and_words(pair):
    site_b = pair["b"]
    rebuild_site_index()
    site_index.forget_association(site_b.pk)
    assert not SiteDocument.objects.filter(site_id=site_b.pk).exists()
    assert not SiteWord.objects.filter(site_id=site_b.pk).exists()
    assert SiteDocument.objects.filter(site_id=pair["a"].pk).exists()


@override_settings(ELASTICSEARCH_URL="http://search.invalid:9200")
@pytest.mark.parametrize("side", ["a", "b"])
def test_every_elasticsearch_query_carries_the_hosts_association(pair, client, side, monkeypatch):
    bodies = []

    class Client:
        def search(self, **kwargs):
            bodies.append(kwargs.get("body") or kwargs)
            from types import SimpleNamespace

            return SimpleNamespace(body={"hits": {"total": {"value": 0}, "hits": []}})

    backend = SiteElasticsearch()
    backend.__dict__["client"] = Client()
    monkeypatch.setattr("search.index.site_elastic.elastic", lambda: backend)
    api(client, HOST_A if side == "a" else HOST_B, "التطوع")
    find("التطوع", site_id=pair[side].pk)
    assert len(bodies) == 2
    for body in bodies:
        assert {"term": {"site": pair[side].pk}} in body["query"]["bool"]["filter"]
