"""The benchmarks' bulk associations (tests/bench/associations.py) read exactly like one made
through the real services: the same public pages, a valid page tree, an intact register, and
the same index rows as the real indexing writes."""

import os
import re

import pytest

from wagtail.models import Page, Revision
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry

from cms.governance.register import register_verify
from cms.models import FAQ, BoardApproval, FAQPage, PolicyIndexPage, PolicyPage
from search.models import SiteDocument, SiteIndexStats, SitePosting, SiteTerm, SiteWord
from search.site.indexing import rebuild_site_index
from tests.bench.associations import association_real, associations_copy

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the benchmarks' bulk copy is written for PostgreSQL, as the benchmarks are",
    ),
]

POLICIES = 3
FAQS = 4
COPIES = (2, 3, 4)
URLS = [
    "/ar/policies/policy-0/",
    "/ar/policies/policy-2/",
    "/ar/policies/policy-1/history/",
    "/ar/policies/",
    "/ar/policies/register/",
    "/ar/faq/",
    "/en/faq/",
    "/api/v1/faqs/",
    "/api/v1/policies/",
]
HASH = re.compile(r"\b[0-9a-f]{64}\b")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, host: str, url: str) -> str:
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, (host, url, response.status_code)
    text = response.content.decode()
    text = text.replace(host, "HOST")
    text = HASH.sub("HASH", text)  # the record hashes: ids and times differ, checked below
    return CSRF.sub("CSRF", text)


def _site_index(site_id: int) -> dict:
    documents = SiteDocument.objects.filter(site_id=site_id)
    return {
        "documents": sorted(
            (
                d.key.replace(f":{site_id}:", ":SITE:"),
                d.kind,
                d.title_length,
                d.heading_length,
                d.body_length,
                d.roots_length,
                d.phrases,
            )
            for d in documents
        ),
        "postings": sorted(
            (
                p.document.key.replace(f":{site_id}:", ":SITE:"),
                p.term,
                p.title,
                p.heading,
                p.body,
                p.roots,
                round(p.impact, 9),
            )
            for p in SitePosting.objects.filter(site_id=site_id).select_related("document")
        ),
        "terms": sorted(SiteTerm.objects.filter(site_id=site_id).values_list("term", "documents")),
        "stats": list(
            SiteIndexStats.objects.filter(site_id=site_id).values_list(
                "title_length", "heading_length", "body_length", "roots_length"
            )
        ),
        "words": sorted(SiteWord.objects.filter(site_id=site_id).values_list("word", "written")),
    }


def _objects(site) -> list:
    """The association's indexed objects in a fixed order: its pages by path, its questions."""
    home = site.root_page
    pages = list(Page.objects.descendant_of(home, inclusive=False).order_by("path").specific())
    return pages + list(FAQ.all_sites.filter(site=site).order_by("sort_order", "pk"))


def _wagtail_index(site) -> list:
    """Each object's Wagtail search entries. Not their `title_norm`: the search backend sets it
    from the average title length of the whole index at the time of writing (a page saved twice
    an hour apart gets two values), so it says nothing of the object."""
    rows = []
    for obj in _objects(site):
        entries = IndexEntry.objects.filter(object_id=str(obj.pk)).values_list(
            "content_type__model", "autocomplete", "title", "body"
        )
        if isinstance(obj, FAQ):
            entries = entries.filter(content_type__model="faq")
        else:
            entries = entries.exclude(content_type__model="faq")
        rows.append(sorted(tuple(str(value) for value in entry) for entry in entries))
    return rows


@pytest.fixture
def associations(home):
    template = association_real(1, policies=POLICIES, faqs=FAQS)
    copies = associations_copy(template, COPIES)
    return template, copies


def test_a_bulk_association_serves_the_same_pages(client, associations):
    template, copies = associations
    for url in URLS:
        expected = _page(client, template.hostname, url)
        for site in copies:
            assert _page(client, site.hostname, url) == expected, (site.hostname, url)


def test_the_tree_is_valid_and_every_register_verifies(associations):
    template, copies = associations
    assert all(not problems for problems in Page.find_problems())
    report = register_verify()
    assert report.intact, [str(problem) for problem in report.problems]
    assert report.checked == POLICIES * (1 + len(copies))
    for site in copies:
        home = Page.objects.get(pk=site.root_page_id)
        assert home.get_children().count() == 2
        policies = PolicyPage.objects.descendant_of(home)
        assert policies.live().count() == POLICIES
        for policy in policies:
            assert policy.get_site() == site
            assert not policy.has_unpublished_changes
            assert policy.live_revision_id == policy.latest_revision_id
            approval = BoardApproval.objects.get(policy=policy)
            assert approval.revision_id == policy.live_revision_id
            assert approval.site_id == site.pk
            assert approval.term.site_id == site.pk
            assert approval.recorded_by.groups.filter(association_role__site=site).exists()
            assert Revision.objects.for_instance(policy).count() == 1
        for model in (PolicyIndexPage, FAQPage):
            page = model.objects.descendant_of(home).get()
            assert page.live and page.live_revision_id == page.latest_revision_id
        assert FAQ.all_sites.filter(site=site).count() == FAQS


def test_the_copied_index_rows_are_what_indexing_writes(associations):
    template, copies = associations
    expected_site_index = _site_index(template.pk)
    expected_wagtail_index = _wagtail_index(template)
    copied = {site.pk: (_site_index(site.pk), _wagtail_index(site)) for site in copies}
    for site in copies:
        assert copied[site.pk] == (expected_site_index, expected_wagtail_index)
        assert all(copied[site.pk][1]), "an object has no search index entry"

    # The real indexing, from the database's truth, writes the same rows.
    for backend in get_search_backends(with_auto_update=True):
        for site in copies:
            for obj in _objects(site):
                backend.add(obj)
    for site in copies:
        assert _wagtail_index(site) == expected_wagtail_index
    rebuild_site_index()
    rebuilt = _site_index(template.pk)
    for site in copies:
        for part, rows in _site_index(site.pk).items():
            assert rows == rebuilt[part], part
