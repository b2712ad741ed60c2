"""What one filing costs: the statements it runs, the queue it looks at once, the messages it
renders only when they go out, the form it copies without reading rows."""

import datetime as dt
from collections import Counter

import pytest

from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forms.casework import kinds as casework_kinds
from forms.casework import messages as casework_messages
from forms.casework import registry
from forms.models import MessageTemplate, Notification, SupportType
from portal.core.associations import association
from portal.core.tasks import enqueue_after_commit, enqueue_unless_waiting, waiting_runs
from tests.forms.helpers import help_form_data, saudi_id

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
QUEUE_TABLE = "django_tasks_database_dbtaskresult"


def api_filing(client, number: int, **overrides):
    data = help_form_data(national_id=saudi_id(body=f"{number:08d}"), **overrides)
    for key in ("started", "submission_token", "website"):
        data.pop(key)
    return client.post("/api/v1/help-requests/", data, headers={"Idempotency-Key": f"c{number}"})


def queued() -> Counter:
    """The runs waiting in the queue, now or later (catch-up runs start a moment later)."""
    from django_tasks_db.models import DBTaskResult

    return Counter(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))


def test_a_filing_looks_at_the_queue_once_for_its_receipt_and_its_index_run(client, home):
    with override_settings(TASKS=DATABASE_QUEUE):
        for number in range(3):
            with (
                CaptureQueriesContext(connection) as statements,
                TestCase.captureOnCommitCallbacks(execute=True),
            ):
                assert api_filing(client, number).status_code == 201
            queue = [q["sql"] for q in statements if QUEUE_TABLE in q["sql"]]
            # the first filing looks and queues a run of each; this process then knows both
            # runs wait, and the filings that follow do not look at the queue at all
            assert len(queue) == (3 if number == 0 else 0), queue
            if queue:
                assert queue[0].startswith("SELECT")
        # another process (it knows of no run) looks once and finds both waiting
        waiting_runs.forget()
        with (
            CaptureQueriesContext(connection) as statements,
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            assert api_filing(client, 3).status_code == 201
        queue = [q["sql"] for q in statements if QUEUE_TABLE in q["sql"]]
        assert len(queue) == 1 and queue[0].startswith("SELECT"), queue
        assert queued() == {
            "forms.tasks.retry_notifications": 1,
            "search.tasks.index_pending_submissions": 1,
        }


def test_catch_up_runs_start_a_moment_later_so_a_burst_shares_them(client, home):
    from django_tasks_db.models import DBTaskResult

    with (
        override_settings(TASKS=DATABASE_QUEUE, CATCH_UP_DELAY_SECONDS=2),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        before = timezone.now()
        assert api_filing(client, 5).status_code == 201
    runs = list(DBTaskResult.objects.filter(status="READY"))
    assert len(runs) == 2
    for run in runs:
        assert before + dt.timedelta(seconds=2) <= run.run_after
        assert run.run_after <= timezone.now() + dt.timedelta(seconds=2)
    # not yet ready: the worker leaves them until then
    assert not DBTaskResult.objects.ready().exists()


def test_a_run_known_to_wait_is_trusted_only_until_shortly_before_it_starts(home):
    from forms.tasks import retry_notifications

    key = (retry_notifications.backend, retry_notifications.module_path)
    waiting_runs.remember(key, timezone.now() + dt.timedelta(seconds=5))
    assert waiting_runs.known(key)
    waiting_runs.forget()
    # a run about to start (inside the clock margin) or ready now is not remembered
    waiting_runs.remember(key, timezone.now() + dt.timedelta(milliseconds=100))
    waiting_runs.remember(key, None)
    assert not waiting_runs.known(key)


def test_a_deferred_run_that_is_due_is_looked_at_again_and_not_queued_twice(home):
    from django_tasks_db.models import DBTaskResult

    from forms.tasks import retry_notifications

    with override_settings(TASKS=DATABASE_QUEUE):
        retry_notifications.using(run_after=timezone.now() - dt.timedelta(seconds=1)).enqueue()
        with CaptureQueriesContext(connection) as statements:
            enqueue_unless_waiting(retry_notifications)
        assert [q["sql"][:6] for q in statements] == ["SELECT"]
        assert DBTaskResult.objects.count() == 1
        # it may start at any moment: nothing is remembered, the next change looks again
        with CaptureQueriesContext(connection) as statements:
            enqueue_unless_waiting(retry_notifications)
        assert len(statements) == 1


def test_a_rolled_back_change_queues_nothing_and_the_next_one_queues_its_run(home):
    from forms.tasks import retry_notifications
    from search.tasks import index_pending_submissions

    with override_settings(TASKS=DATABASE_QUEUE):
        with TestCase.captureOnCommitCallbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                enqueue_after_commit(retry_notifications)
                raise RuntimeError("the filing failed")
            with transaction.atomic():
                enqueue_after_commit(index_pending_submissions)
                enqueue_after_commit(index_pending_submissions)
        assert queued() == {"search.tasks.index_pending_submissions": 1}


def test_the_receipt_goes_out_through_one_run_of_the_sweep(client, home):
    from forms import sms

    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_filing(client, 10)
    assert response.status_code == 201
    receipt = Notification.objects.get(
        case_file__helprequest__reference=response.json()["reference"]
    )
    assert receipt.status == "sent" and receipt.attempts == 1
    assert [message["to"] for message in sms.outbox] == [receipt.recipient]


@pytest.fixture
def rendered(monkeypatch):
    keys = []

    def spy(key, submission, **extra):
        keys.append(key)
        return original(key, submission, **extra)

    original = casework_messages.render_message
    monkeypatch.setattr(casework_kinds, "render_message", spy)
    monkeypatch.setattr(casework_messages, "render_message", spy)
    return keys


def test_an_applicant_without_an_email_costs_no_email_rendering(client, home, rendered):
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert api_filing(client, 20).status_code == 201
    assert rendered == [MessageTemplate.Key.RECEIPT_SMS]


def test_an_applicant_with_an_email_gets_the_receipt_email(client, home, rendered):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_filing(client, 21, email="fatima@example.org")
    assert response.status_code == 201
    assert sorted(rendered) == sorted(
        [
            MessageTemplate.Key.RECEIPT_SMS,
            MessageTemplate.Key.RECEIPT_EMAIL_SUBJECT,
            MessageTemplate.Key.RECEIPT_EMAIL,
        ]
    )
    email = Notification.objects.get(channel="email", recipient="fatima@example.org")
    reference = response.json()["reference"]
    assert email.subject and reference in email.body
    sms = Notification.objects.get(channel="sms", case_file=email.case_file)
    assert reference in sms.body and sms.subject == ""


def test_a_form_copies_its_choice_of_support_without_reading_or_filtering_twice(
    home, django_assert_num_queries
):
    site = home.get_site()
    fields = registry.get("help").fields
    with association(site):
        with django_assert_num_queries(0):
            form = fields()
        queryset = form.fields["support_type"].queryset
        where = str(queryset.query).split(" WHERE ", 1)[1]
        # the association's rows, filtered once
        assert where.count('"site_id"') == 1, where
        offered = {choice.value for choice, _label in form.fields["support_type"].choices}
        own = SupportType.objects.filter(site=site, active=True).values_list("pk", flat=True)
        assert offered == set(own) and offered


def test_the_type_of_support_is_read_once_per_process_and_afresh_after_an_edit(client, home):
    support = SupportType.objects.get(slug="financial")
    assert api_filing(client, 30).status_code == 201
    with CaptureQueriesContext(connection) as statements:
        assert api_filing(client, 31).status_code == 201
    # (the test's own data names the type by its slug)
    assert not [q for q in statements if '"intake_supporttype"."id" =' in q["sql"]], statements
    # switched off by the association: the next filing reads it again and is refused
    support.active = False
    support.save()
    response = api_filing(client, 32)
    assert response.status_code == 400
    assert "support_type" in response.json()["fields"]


def test_another_associations_type_of_support_is_refused_even_once_remembered(client, home):
    from django.test import Client

    from tests.associations import OTHER_HOST, association_add

    other = association_add()
    theirs = SupportType.objects.create(site=other, slug="their-own", name="دعم آخر")
    assert api_filing(Client(HTTP_HOST=OTHER_HOST), 40, support_type=theirs.pk).status_code == 201
    response = api_filing(client, 41, support_type=theirs.pk)
    assert response.status_code == 400
    assert "support_type" in response.json()["fields"]


def test_a_first_filing_looks_up_no_idempotency_key_and_a_replay_gets_its_receipt(client, home):
    with CaptureQueriesContext(connection) as statements:
        first = api_filing(client, 50)
    assert first.status_code == 201
    assert not [
        q for q in statements if q["sql"].startswith("SELECT") and "idempotency_key" in q["sql"]
    ]
    replay = api_filing(client, 50)
    assert replay.status_code == 200
    assert replay.json()["reference"] == first.json()["reference"]


def test_a_replay_the_key_counter_forgot_still_gets_its_receipt(client, home, monkeypatch):
    from django.core.cache import cache

    from forms.api import public
    from forms.models import HelpRequest

    monkeypatch.setattr(public, "SUBMISSIONS_PER_ID_PER_DAY", 1)
    national_id = saudi_id(body="00000060")

    def filing(key):
        data = help_form_data(national_id=national_id)
        for name in ("started", "submission_token", "website"):
            data.pop(name)
        return client.post("/api/v1/help-requests/", data, headers={"Idempotency-Key": key})

    first = filing("first")
    assert first.status_code == 201
    cache.clear()  # a restarted cache, or a key older than a day
    replay = filing("first")
    assert replay.status_code == 200
    assert replay.json()["reference"] == first.json()["reference"]
    # and so once the applicant has reached the day's limit
    cache.clear()
    assert filing("second").status_code == 201
    again = filing("first")
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert filing("third").status_code == 429  # a new filing is refused
    assert HelpRequest.objects.filter(national_id=national_id).count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one statement for several tables: PostgreSQL"
)
def test_a_filing_writes_every_row_in_one_statement_after_its_number(client, home):
    from django.db.models.signals import post_save, pre_save

    from forms.models import CaseFile, Consent, HelpRequest, StatusEvent
    from search.models import SearchPending

    assert api_filing(client, 70).status_code == 201  # this process reads its types of support
    signals = []

    def before(sender, instance, **kwargs):
        signals.append(("pre_save", instance.pk, kwargs["raw"], kwargs["update_fields"]))

    def after(sender, instance, created, **kwargs):
        signals.append(("post_save", instance.pk, created, instance.case_file_id))

    pre_save.connect(before, sender=HelpRequest, dispatch_uid="test-before")
    post_save.connect(after, sender=HelpRequest, dispatch_uid="test-after")
    try:
        with CaptureQueriesContext(connection) as statements:
            response = api_filing(client, 71)
    finally:
        pre_save.disconnect(sender=HelpRequest, dispatch_uid="test-before")
        post_save.disconnect(sender=HelpRequest, dispatch_uid="test-after")
    assert response.status_code == 201
    # (the test's own data names its type of support by slug: read, not written; the queue is
    # looked at once for both runs)
    sql = [
        q["sql"] for q in statements if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "SELECT"))
    ]
    # the reference, then the case file, consents, first step, submission, receipt and index
    # mark together (7 statements, then 5, before)
    assert len(sql) == 2, sql
    assert sql[0].startswith('UPDATE "intake_referencecounter"')
    # its values travel apart from its text (PostgreSQL's $n placeholders): psycopg would parse
    # a statement this long for %s and quote every value into it on every filing
    assert "$1," in sql[1] and "%s" not in sql[1] and "'help'" not in sql[1]
    for table in (
        "intake_casefile",
        "intake_consent",
        "intake_statusevent",
        "intake_helprequest",
        "intake_notification",
        "search_searchpending",
    ):
        assert f'INSERT INTO "{table}"' in sql[1], table
    filed = HelpRequest.objects.get(reference=response.json()["reference"])
    case_file = CaseFile.objects.get(pk=filed.case_file_id)
    assert (case_file.kind, case_file.site_id) == ("help", filed.site_id)
    consents = {c.purpose: c for c in Consent.objects.of(filed)}
    assert set(consents) == {"declaration", "processing", "contact", "future_programmes"}
    assert consents["declaration"].given and not consents["future_programmes"].given
    assert all(c.recorded_at and c.text and c.language == "ar" for c in consents.values())
    [event] = StatusEvent.objects.of(filed)
    assert (event.to_status, event.public, event.from_status) == ("received", True, "")
    assert event.at is not None
    [receipt] = Notification.objects.filter(case_file_id=filed.case_file_id)
    assert filed.reference in receipt.body and receipt.recipient == filed.mobile
    assert SearchPending.objects.filter(kind="help", object_id=filed.pk).exists()
    # the submission's save signals, as save() sends them
    assert signals == [
        ("pre_save", None, False, None),
        ("post_save", filed.pk, True, filed.case_file_id),
    ]


@pytest.fixture
def redis_cache(tmp_path):
    """The production cache (portal.cache) on a throw-away redis-server of the test's own."""
    import shutil
    import socket
    import subprocess
    import time

    from django.core.cache import caches

    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        redis = {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "sila",
        }
        with override_settings(CACHES={"default": redis}):
            cache = caches["default"]
            deadline = time.monotonic() + 10
            while True:
                try:
                    cache.ping()
                    break
                except Exception:  # noqa: BLE001 - not listening yet
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield cache
            caches["default"].close()
    finally:
        server.terminate()
        server.wait(10)


def test_a_filing_counts_its_key_and_its_applicant_in_one_round_trip(
    client, home, redis_cache, monkeypatch
):
    from redis.connection import Connection

    from forms.api import public

    monkeypatch.setattr(public, "SUBMISSIONS_PER_ID_PER_DAY", 2)
    sent = []
    original = Connection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counting)
    national_id = saudi_id(body="00000080")

    def filing(key, national_id=national_id):
        data = help_form_data(national_id=national_id)
        for name in ("started", "submission_token", "website"):
            data.pop(name)
        sent.clear()
        response = client.post("/api/v1/help-requests/", data, headers={"Idempotency-Key": key})
        return response, len(sent)

    # (the process's first filing also hands Redis the script)
    assert filing("warm", national_id=saudi_id(body="00000081"))[0].status_code == 201
    first, round_trips = filing("first")
    assert first.status_code == 201
    # the client's throttle (one: read and written before), the public token, and one for the
    # key and the applicant's limit together (two before)
    assert round_trips == 3
    # a replay is answered with its receipt and does not count towards the applicant's limit
    replay, _ = filing("first")
    assert replay.status_code == 200
    assert replay.json()["reference"] == first.json()["reference"]
    assert filing("second")[0].status_code == 201
    assert filing("third")[0].status_code == 429
    assert filing("second")[0].json()["reference"]


def test_the_clients_limit_is_counted_in_one_round_trip_and_refuses_past_it(
    client, home, redis_cache, monkeypatch
):
    from redis.connection import Connection

    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"submissions": "3/hour"})
    sent = []
    original = Connection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counting)
    answers = []
    for number in range(5):
        sent.clear()
        answers.append(api_filing(client, 100 + number))
        if number == 1:  # (the first one also hands Redis the scripts)
            # the client's limit, the public token, the key and the applicant's limit
            assert len(sent) == 3, sent
        if number == 3:  # refused by the client's limit alone: nothing else is asked
            assert len(sent) == 1, sent
    assert [answer.status_code for answer in answers] == [201, 201, 201, 429, 429]
    assert answers[3].json()["code"] == "throttled"
    # (DRF's wait: the window's length from the oldest hit, in whole seconds)
    assert 3590 <= int(answers[3].headers["Retry-After"]) <= 3600


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_filing_is_answered_201_when_the_queue_cannot_be_reached(
    client, home, monkeypatch
):
    """Outside a transaction the filing's statement commits by itself; the look at the queue
    that follows fails (the database restarting): the answer stays 201 and the rows stay, the
    receipt in the outbox for the periodic sweep."""
    from django.db import OperationalError

    from forms.models import HelpRequest
    from portal.core import tasks

    def unreachable(*queued_tasks):
        raise OperationalError("the connection was closed")

    monkeypatch.setattr(tasks, "enqueue_unless_waiting", unreachable)
    with override_settings(TASKS=DATABASE_QUEUE):
        response = api_filing(client, 11)
    assert response.status_code == 201, response.content
    filed = HelpRequest.objects.get()
    assert Notification.objects.filter(case_file=filed.case_file_id, status="pending").exists()


def _copied_state(field) -> dict:
    """What a form's copy of a field holds (its widget's too), as comparable values."""
    # (a complaint's form marks two fields as shown required itself)
    skipped = ("widget", "_queryset", "shown_required")
    state = {key: value for key, value in vars(field).items() if key not in skipped}
    widget = dict(vars(field.widget))
    return {"field": state, "widget": widget}


@pytest.mark.parametrize("kind_slug", ["help", "volunteer", "complaint"])
def test_each_form_gets_its_own_copies_of_the_prepared_fields(home, kind_slug):
    import copy

    fields = registry.get(kind_slug).fields
    with association(home.get_site()):
        first, second = fields(), fields()
        prototypes = {**fields._prototypes()[0], **fields._prototypes()[1]}
        assert list(first.fields) == list(second.fields)
        for name, field in first.fields.items():
            other = second.fields[name]
            # the same copy as Django's deepcopy of the prepared field…
            assert _copied_state(field) == _copied_state(copy.deepcopy(prototypes[name])), name
            # …and nothing a form may change is shared with another form or the prototype
            for copied in (other, prototypes[name]):
                assert field is not copied and field.widget is not copied.widget
                assert field.error_messages is not copied.error_messages
                assert field.validators is not copied.validators
                assert field.widget.attrs is not copied.widget.attrs
                if isinstance(getattr(field, "_choices", None), list):
                    assert field._choices is not copied._choices
        first.fields["full_name"].error_messages["required"] = "changed"
        first.fields["full_name"].widget.attrs["aria-invalid"] = "true"
        assert second.fields["full_name"].error_messages["required"] != "changed"
        assert "aria-invalid" not in fields().fields["full_name"].widget.attrs


def test_a_form_copies_its_fields_without_deepcopy_and_makes_no_consent_field(home, monkeypatch):
    from django import forms

    made, deep_copied = [], []
    boolean_init = forms.BooleanField.__init__
    field_deepcopy = forms.Field.__deepcopy__

    def making(self, *args, **kwargs):
        made.append(self)
        return boolean_init(self, *args, **kwargs)

    def deepcopy(self, memo):
        deep_copied.append(type(self))
        return field_deepcopy(self, memo)

    fields = registry.get("help").fields
    with association(home.get_site()):
        fields()  # the class's prototypes, made once
        monkeypatch.setattr(forms.BooleanField, "__init__", making)
        monkeypatch.setattr(forms.Field, "__deepcopy__", deepcopy)
        form = fields(api_form_data(1))
        assert form.is_valid(), form.errors
    # the consents are copies of the prototypes; only a field with copying of its own (the
    # association's choice of support) is deep-copied
    assert made == []
    assert {kind.__name__ for kind in deep_copied} <= {"AssociationChoiceField"}
    assert form.fields["full_name"].error_messages["required"] == str(
        fields.required_messages["full_name"]
    )


def api_form_data(number: int) -> dict:
    data = help_form_data(national_id=saudi_id(body=f"{number:08d}"))
    for key in ("started", "submission_token", "website"):
        data.pop(key)
    return data


def test_the_receipt_answer_makes_no_serializer(client, home, monkeypatch):
    from forms.api import public

    made = []
    init = public.ReceiptSerializer.__init__

    def making(self, *args, **kwargs):
        made.append(self)
        return init(self, *args, **kwargs)

    monkeypatch.setattr(public.ReceiptSerializer, "__init__", making)
    response = api_filing(client, 90)
    assert response.status_code == 201
    body = response.json()
    assert made == []
    assert set(body) == {"reference", "tracking_url", "response_due", "response_due_hijri"}
    from forms.models import HelpRequest

    filed = HelpRequest.objects.get(reference=body["reference"])
    assert body["response_due"] == filed.response_due.isoformat()
    assert body["tracking_url"].endswith(f"/track/help/{filed.reference}/{filed.tracking_key}/")
