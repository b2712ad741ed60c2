"""The inbox's list of a large association: counted only so far, the failed messages of the page's
rows alone, no per-row menu that repeats the row's link, a bounded number of queries, and rows
drawn without a template each."""

import datetime as dt
import json
import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.users.models import UserProfile

from forms.admin.lists import CountedSoFarPaginator, SubmissionIndexView
from forms.models import HelpRequest, RequestStatus
from tests.bench.test_inbox import bulk_requests
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


def test_the_rows_are_drawn_without_a_template_each(roles, client):
    """Wagtail draws every cell through a template of its own; the inbox joins its rows in
    Python: a page of five rows draws the same templates as a page of one."""
    client.force_login(roles["officer"])
    file_request()
    client.get(reverse("inbox_help:list"))  # what a process draws once (the icons) is drawn
    one = client.get(reverse("inbox_help:list"))
    for status in ("referred", "under_review", "received", "accepted"):
        file_request(status=status)
    HelpRequest.objects.filter(status="referred").update(assignee=roles["officer"])
    five = client.get(reverse("inbox_help:list"))
    assert five.content.decode().count('class="bulk-action-checkbox-cell"') == 5
    assert [t.name for t in five.templates] == [t.name for t in one.templates]


def test_the_cells_say_what_their_templates_said_in_either_language(roles, client):
    officer = roles["officer"]
    today = timezone.localdate()
    overdue, due_today = file_request(status="referred"), file_request()
    HelpRequest.objects.filter(pk=overdue.pk).update(response_due=today - dt.timedelta(days=3))
    HelpRequest.objects.filter(pk=due_today.pk).update(response_due=today)
    client.force_login(officer)
    pages = {}
    for language in ("ar", "en"):  # the choices' labels are translated once per language
        profile = UserProfile.get_for_user(officer)
        profile.preferred_language = language
        profile.save()
        pages[language] = client.get(reverse("inbox_help:list")).content.decode()
        with translation.override(language):
            assert f"<td>{RequestStatus.REFERRED.label}</td>" in pages[language]
            assert f"<td>{RequestStatus.RECEIVED.label}</td>" in pages[language]
    english = pages["en"]
    assert (
        '<span class="w-status w-status--label inbox-overdue">Overdue by 3 days</span>' in english
    )
    assert '<span class="w-status w-status--primary">Due today</span>' in english
    link = reverse("inbox_help:inspect", args=[overdue.pk])
    assert (
        f'<a href="{link}"><span id="snippet_{overdue.pk}_title">{overdue.reference}</span></a>'
        in english
    )
    assert f'data-object-id="{overdue.pk}"' in english
    assert "Referred to the research committee" not in pages["ar"]


def test_staff_without_page_rights_cost_the_menu_no_look_into_the_page_tree(roles, client):
    """The menu's "Import a policy document" is for who may add pages: an officer's menu is
    answered from their page permissions, without finding the policy catalogue."""
    client.force_login(roles["officer"])
    client.get(reverse("inbox_help:list"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("inbox_help:list")).content.decode()
    assert not [q["sql"] for q in queries if "cms_policyindexpage" in q["sql"]]
    assert reverse("cms_policy_import") not in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors: PostgreSQL")
def test_the_filters_read_their_choices_without_a_server_side_cursor(roles, client):
    """Django reads a model choice's options through a cursor it declares, fetches from and
    closes: three round trips where one plain query does for a filter's few rows."""
    file_request()
    client.force_login(roles["officer"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("inbox_help:list")).content.decode()
    assert not [q["sql"] for q in queries if q["sql"].startswith("DECLARE")]
    assert str(roles["officer"]) in page  # the assignee filter lists the staff


def _list_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "intake_helprequest"' in q["sql"]]


@pytest.mark.parametrize("filters", ["", "?overdue=true", "?status=referred"])
def test_the_count_so_far_leaves_the_order_to_the_page(roles, client, filters):
    """Counted in the list's order, a filtered list of a large association was counted by
    walking its rows newest first and filtering each; unordered, the database counts down the
    index that fits the filters. Up to the bound, the number is the same."""
    overdue = file_request(status="referred")
    HelpRequest.objects.filter(pk=overdue.pk).update(
        response_due=timezone.localdate() - dt.timedelta(days=3)
    )
    client.force_login(roles["officer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inbox_help:list") + filters)
    counts = [sql for sql in _list_queries(queries) if "COUNT(" in sql]
    assert len(counts) == 1 and "ORDER BY" not in counts[0]
    assert response.context["paginator"].count == 1


def test_a_status_filter_reads_its_page_without_distinct(roles, client):
    """A request has one status: a DISTINCT over every column made the database sort all the
    matching rows of the association before it could give the first page."""
    referred, received = file_request(status="referred"), file_request()
    file_request(status="accepted")
    client.force_login(roles["officer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inbox_help:list") + "?status=referred&status=received")
    assert _list_queries(queries)
    assert not [sql for sql in _list_queries(queries) if "DISTINCT" in sql]
    assert [row.pk for row in response.context["object_list"]] == [received.pk, referred.pk]
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/v1/staff/help-requests/?status=referred&status=received")
    assert not [sql for sql in _list_queries(queries) if "DISTINCT" in sql]
    assert [row["reference"] for row in answer.json()["results"]] == [
        received.reference,
        referred.reference,
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics")
def test_the_planner_knows_how_many_requests_a_city_filter_finds(roles):
    """The city filter matches part of a name (UPPER(city) LIKE): without statistics of the
    upper-cased names PostgreSQL guessed a handful of rows whatever the city, and sorted every
    request of the filtered status instead of reading the newest first down to the page."""
    bulk_requests(300)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE intake_helprequest")
    found = HelpRequest.objects.filter(city__icontains="جدة")
    plan = json.loads(found.explain(format="json"))[0]["Plan"]
    assert plan["Plan Rows"] >= found.count() / 2
