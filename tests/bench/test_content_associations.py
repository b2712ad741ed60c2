"""Many associations on one install, the content side: one association's policy page, catalogue,
FAQ page and FAQ API, first alone, then among BENCH_CONTENT_ASSOCIATIONS associations holding
BENCH_POLICIES approved policies and BENCH_FAQS questions each. Reads are scoped by the host's
association (its home's subtree, its site key first in the FAQ index), so the figures should not
grow with the number of associations: the report gives p50/p95 of both and their ratio."""

import datetime as dt
import os
import statistics
import time

import pytest

from django.db import connection

from wagtail.models import Page, Site

from cms.models import FAQ, BoardMember, BoardTerm, FAQCategory, FAQPage, PolicyIndexPage
from portal.accounts.associations import association_roles_create
from tests.associations import member_of
from tests.cms.conftest import approve, make_policy
from tests.factories import HomePageFactory

pytestmark = pytest.mark.django_db

ASSOCIATIONS = int(os.environ.get("BENCH_CONTENT_ASSOCIATIONS", "1000"))
POLICIES = int(os.environ.get("BENCH_POLICIES", "20"))
FAQS = int(os.environ.get("BENCH_FAQS", "50"))
URLS = {
    "policy_page": "/ar/policies/policy-0/",
    "catalogue": "/ar/policies/",
    "faq_page": "/ar/faq/",
    "faq_api": "/api/v1/faqs/",
}


def _association(number: int) -> Site:
    host = f"a{number}.localhost"
    home = HomePageFactory(parent=Page.get_first_root_node(), slug=f"a{number}")
    site = Site.objects.create(hostname=host, port=80, root_page=home, site_name=host)
    association_roles_create(site)
    catalogue = PolicyIndexPage(slug="policies", title="السياسات", title_ar="السياسات")
    home.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    faq_page = FAQPage(slug="faq", title="الأسئلة", title_ar="الأسئلة")
    home.add_child(instance=faq_page)
    faq_page.save_revision().publish()
    term = BoardTerm.all_sites.create(site=site, number=1, starts_on=dt.date(2020, 1, 1))
    BoardMember.objects.create(term=term, name="رئيس", name_ar="رئيس", role="chair")
    secretary = member_of(site, "secretary", username=f"secretary-{number}")
    for index in range(POLICIES):
        approve(make_policy(catalogue, slug=f"policy-{index}"), secretary, term)
    category = FAQCategory.all_sites.create(site=site, slug="general", name="عام", name_ar="عام")
    FAQ.all_sites.bulk_create(
        FAQ(
            site=site,
            category=category,
            slug=f"q-{index}",
            sort_order=index,
            question=f"سؤال {index}",
            question_ar=f"سؤال {index}",
            answer="<p>جواب</p>",
            answer_ar="<p>جواب</p>",
        )
        for index in range(FAQS)
    )
    return site


def _measure(client, host: str, count: int = 100) -> dict:
    figures = {}
    for name, url in URLS.items():
        client.get(url, HTTP_HOST=host)
        durations = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST=host)
            durations.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
        durations.sort()
        figures[f"{name}_p50_ms"] = round(statistics.median(durations) * 1000, 2)
        figures[f"{name}_p95_ms"] = round(durations[int(len(durations) * 0.95) - 1] * 1000, 2)
    return figures


def test_content_reads_do_not_grow_with_the_number_of_associations(client, home, report):
    started = time.perf_counter()
    measured = _association(0)
    alone = _measure(client, measured.hostname)
    for number in range(1, ASSOCIATIONS):
        _association(number)
    load_seconds = time.perf_counter() - started
    among = _measure(client, measured.hostname)
    figures = {
        "associations": ASSOCIATIONS,
        "policies_each": POLICIES,
        "faqs_each": FAQS,
        "database": connection.vendor,
        "load_seconds": round(load_seconds, 1),
        **{f"alone_{key}": value for key, value in alone.items()},
        **{f"among_{key}": value for key, value in among.items()},
        **{
            f"ratio_{key}": round(among[key] / alone[key], 2) if alone[key] else None
            for key in alone
        },
    }
    report(f"content_associations_{connection.vendor}", figures)
