"""The inbox's list of a large association: counted only so far, the failed messages of the page's
rows alone, no per-row menu that repeats the row's link, and a bounded number of queries."""

import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forms.admin.lists import CountedSoFarPaginator, SubmissionIndexView
from forms.models import HelpRequest
from tests.inbox.conftest import file_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch):
    """Two rows a page, counted exactly up to three rows, one page ahead of the one asked for."""
    monkeypatch.setattr(SubmissionIndexView, "get_paginate_by", lambda view, queryset: 2)
    monkeypatch.setattr(CountedSoFarPaginator, "limit", 3)
    monkeypatch.setattr(CountedSoFarPaginator, "pages_ahead", 1)


def _pagination(page: str) -> tuple[str, str]:
    start = re.search(r'pagination__start">\s*<p>(.*?)</p>', page).group(1)
    end = re.search(r'pagination__end">\s*(.*?)\s*</div>', page, re.S).group(1)
    return start, end


def test_a_list_past_the_limit_says_more_than_and_its_links_lead_to_pages_that_exist(
    roles, client, small_limits
):
    for _ in range(7):
        file_request()
    client.force_login(roles["officer"])
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("inbox_help:list"))
    counts = [
        q["sql"] for q in queries if "COUNT(" in q["sql"] and "intake_helprequest" in q["sql"]
    ]
    assert len(counts) == 1 and "LIMIT 5" in counts[0]  # 4 rows counted, and one more
    assert first.context["paginator"].exact is False
    # "Page 1 of more than 2", "More than 4 help requests"
    assert _pagination(first.content.decode()) == (
        "الصفحة 1 من أكثر من 2",
        "أكثر من 4 من طلبات الدعم",
    )
    # Every page linked from the first exists; further on, the count follows the reader.
    last_linked = first.context["paginator"].num_pages
    assert client.get(reverse("inbox_help:list") + f"?p={last_linked}").status_code == 200
    fourth = client.get(reverse("inbox_help:list") + "?p=4")
    assert fourth.context["page_obj"].number == 4
    assert fourth.context["paginator"].exact is True
    assert _pagination(fourth.content.decode()) == ("الصفحة 4 من 4", "7 طلبات الدعم")


def test_a_filtered_list_past_the_limit_says_more_than_so_many_matches(roles, client, small_limits):
    for _ in range(5):
        file_request(status="referred")
    file_request()
    client.force_login(roles["officer"])
    page = client.get(reverse("inbox_help:list") + "?status=referred").content.decode()
    assert "هناك أكثر من 4 نتيجة مطابقة" in page  # "There are more than 4 matches"
    response = client.get(reverse("inbox_help:list") + "?status=received")
    assert response.context["paginator"].exact is True
    assert "أكثر من" not in response.content.decode()


def test_a_list_within_the_limit_is_counted_exactly(roles, client):
    for _ in range(3):
        file_request()
    client.force_login(roles["officer"])
    response = client.get(reverse("inbox_help:list"))
    assert response.context["paginator"].exact is True
    assert _pagination(response.content.decode()) == ("الصفحة 1 من 1", "3 طلبات الدعم")


def test_rows_link_to_their_page_without_a_menu_that_repeats_the_link(roles, client):
    request = file_request()
    client.force_login(roles["officer"])
    page = client.get(reverse("inbox_help:list")).content.decode()
    assert f'href="{reverse("inbox_help:inspect", args=[request.pk])}"' in page
    assert "w-dropdown__toggle" not in page.split("<tbody>", 1)[1]


def test_the_first_page_asks_the_same_queries_whatever_the_number_of_rows(roles, client):
    client.force_login(roles["officer"])
    file_request()
    client.get(reverse("inbox_help:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("inbox_help:list"))
    for _ in range(4):
        file_request()
    HelpRequest.objects.update(assignee=roles["officer"])
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("inbox_help:list"))
    assert len(five) == len(one)
