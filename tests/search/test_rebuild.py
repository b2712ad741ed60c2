"""A rebuild of the submission index writes exactly what indexing each submission on its own
writes (the same entries, words and statistics), on varied Arabic data, while reading the
submissions as rows and, on PostgreSQL, filling a fresh table that replaces the index at the end."""

import io
import itertools
import os
import random
from unittest import mock

import pytest

from django.core.management import call_command
from django.db import connection

from wagtail.models import Site

from forms.models import Complaint, HelpRequest, VolunteerApplication
from search.index.base import get_backend
from search.index.registry import indexed, indexed_kinds
from search.index.service import search_submissions
from search.models import SubmissionEntry
from tests.inbox.conftest import file_application, file_complaint, file_request, member
from tests.search.test_submission_search import refs

pytestmark = pytest.mark.django_db

FIRST = ["أحمد", "إبراهيم", "آمنة", "عبد الله", "عبدالله", "فاطِمة", "نورَة", "مُحمّد", "هيفاء",
         "عائشة", "يوسف", "مـــريم", "لؤي", "مسئول", "وئام", "رؤى", "ليلى", "بشرى"]  # fmt: skip
FAMILY = ["الحربي", "بن سعد القحطاني", "الغامدي", "أبو بكر", "ال الشيخ", "العنزي", "الجهنيّ",
          "الأحمدي", "الشمري", "المالكي"]  # fmt: skip
PLACES = ["جدة", "مكة المكرمة", "الطائف", "الرياض", "حي الروضة", "المدينة المنورة"]
TEXTS = ["أحتاج إلى مساعدة في دفع إيجار المسكن رقم ١٢٣", "سلة غذائية شهرية للأسرة",
         "الرسوم الدراسية للأبناء والبنات", "غسيل كلى وأدوية 2024", "ترميم البيت بعد الأمطار",
         "وثائق ومستندات المستفيدين", "Rent support for the family"]  # fmt: skip


def _varied_submissions(sites: list[int]) -> None:
    draw = random.Random(20)  # the same data on every run
    digits = itertools.count(5000000)
    for number in range(24):
        name = " ".join(
            [draw.choice(FIRST), draw.choice(FIRST), draw.choice(FAMILY)][: 2 + number % 2]
        )
        mobile = f"+9665{next(digits):08d}"
        if number % 3 == 0:  # Arabic-Indic digits, as typed on an Arabic keyboard
            mobile = mobile.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        request = file_request(
            full_name=name,
            mobile=mobile,
            city=draw.choice(PLACES),
            district=draw.choice(PLACES),
            description=draw.choice(TEXTS),
            status=draw.choice(["under_review", "referred", None]),
        )
        HelpRequest.objects.filter(pk=request.pk).update(site_id=sites[number % len(sites)])
    for number in range(6):
        application = file_application(
            full_name=f"{draw.choice(FIRST)} {draw.choice(FAMILY)}",
            city=draw.choice(PLACES),
            interests_other=draw.choice(TEXTS),
        )
        VolunteerApplication.objects.filter(pk=application.pk).update(
            site_id=sites[number % len(sites)]
        )
    for number in range(4):
        overrides = {"description": draw.choice(TEXTS)}
        if number != 3:
            overrides["full_name"] = f"{draw.choice(FIRST)} {draw.choice(FAMILY)}"
        complaint = file_complaint(anonymous=number == 3, **overrides)
        Complaint.objects.filter(pk=complaint.pk).update(site_id=sites[number % len(sites)])


def _index() -> dict:
    """Everything the index holds, keyed by submission (entry ids are the table's own)."""
    fields = [f.attname for f in SubmissionEntry._meta.concrete_fields if f.attname != "id"]
    fields.remove("search_vector")
    entries = {
        (row["kind"], row["object_id"]): row
        for row in SubmissionEntry.objects.values(*fields, "id")
    }
    ids = {row.pop("id"): key for key, row in entries.items()}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT kind, object_id, search_vector::text FROM search_submissionentry"
            )
            vectors = {(kind, object_id): vector for kind, object_id, vector in cursor.fetchall()}
            cursor.execute("SELECT site_id, word FROM search_submission_words ORDER BY 1, 2")
            words = cursor.fetchall()
        else:
            vectors = {}
            cursor.execute("SELECT rowid, name, text, site FROM search_submission_fts")
            words = sorted((ids[rowid], name, text, site) for rowid, name, text, site in cursor)
    return {"entries": entries, "vectors": vectors, "words": words}


def _empty() -> None:
    SubmissionEntry.objects.all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DELETE FROM search_submission_words")
        else:
            cursor.execute("DELETE FROM search_submission_fts")


def test_a_rebuild_writes_what_indexing_each_submission_writes(home):
    default = Site.objects.get(is_default_site=True)
    other = Site.objects.create(hostname="b.localhost", port=80, root_page=home)
    _varied_submissions([default.pk, other.pk])
    backend = get_backend()
    _empty()
    for kind in map(indexed, indexed_kinds()):  # one submission at a time, as when filed
        for submission in kind.model.objects.order_by("pk"):
            backend.index([kind.document(submission)])
    one_by_one = _index()
    assert len(one_by_one["entries"]) == 34
    if connection.vendor == "postgresql":
        assert {row[0] for row in one_by_one["words"]} == {default.pk, other.pk}

    _empty()
    models = [indexed(kind).model for kind in indexed_kinds()]
    no_instances = [
        mock.patch.object(model, "from_db", side_effect=AssertionError("read as rows"))
        for model in models
    ]
    with no_instances[0], no_instances[1], no_instances[2]:
        call_command("rebuild_submission_index", "--batch-size", "7", stdout=io.StringIO())
    assert _index() == one_by_one


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the rebuild table is PostgreSQL's",
)
def test_a_rebuild_keeps_the_old_entries_searchable_until_it_switches(db):
    officer = member("officer")
    wanted = file_request(full_name="جواهر فيصل المالكي")
    file_request(full_name="نورة سالم العتيبي")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_submissionentry'"
        )
        indexes_before = sorted(cursor.fetchall())
    backend = get_backend()
    seen_during = []
    rebuild_index = type(backend).rebuild_index

    def write_and_search(self, target, documents):
        rebuild_index(self, target, documents)
        # A change indexed during the rebuild reaches both the index and the new table.
        HelpRequest.objects.filter(pk=wanted.pk).update(full_name="جواهر فيصل الحربي")
        backend.index([indexed("help").document(HelpRequest.objects.get(pk=wanted.pk))])
        seen_during.append(refs(search_submissions(officer, text="جواهر")))

    with mock.patch.object(type(backend), "rebuild_index", write_and_search):
        call_command("rebuild_submission_index", "--no-progress", stdout=io.StringIO())
    assert seen_during and all(found == [wanted.reference] for found in seen_during)
    assert refs(search_submissions(officer, text="جواهر الحربي")) == [wanted.reference]
    assert refs(search_submissions(officer, text="نورة")) != []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_submissionentry'"
        )
        assert sorted(cursor.fetchall()) == indexes_before
        cursor.execute("SELECT to_regclass('search_submissionentry_rebuild')")
        assert cursor.fetchone()[0] is None
