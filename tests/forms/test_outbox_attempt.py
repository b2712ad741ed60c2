"""What becomes of a message after an attempt is decided once, whichever way it is sent: by
itself (the task queued for one message, the SMS copy of a WhatsApp message) or in a batch of
the sweep. Each behaviour runs through both doors."""

import datetime as dt

import pytest

from django.utils import timezone

from forms import sms, whatsapp
from forms.gateways import Accepted
from forms.models import Notification
from forms.notifications import (
    NOTIFICATION_LEASE,
    ChannelBreaker,
    breaker,
    notification_deliver,
    notifications_retry_due,
)

pytestmark = pytest.mark.django_db

MOBILE = "+966551234567"


def by_itself(message: Notification, now=None) -> bool:
    # the object as the caller holds it, maybe stale: the door must read the row itself
    return notification_deliver(notification=message, now=now)


def by_the_sweep(message: Notification, now=None) -> bool:
    sent, _pending = notifications_retry_due(now=now)
    return bool(sent)


DOORS = pytest.mark.parametrize("door", [by_itself, by_the_sweep], ids=["by-itself", "sweep"])


@pytest.fixture(autouse=True)
def outboxes():
    sms.outbox.clear()
    whatsapp.outbox.clear()
    yield
    sms.outbox.clear()
    whatsapp.outbox.clear()


def due(channel=Notification.Channel.SMS, **fields) -> Notification:
    return Notification.objects.create(
        channel=channel,
        recipient=MOBILE,
        body="receipt",
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1),
        **fields,
    )


def pause(channel: str) -> dt.datetime:
    """The channel failed often enough just now to be left alone; returns until when."""
    now = timezone.now()
    for _failure in range(ChannelBreaker.threshold):
        breaker.failed(channel, now)
    return breaker.paused(channel, now)


def refuse(error):
    def send(self, *, to, message):
        raise error("gateway down")

    return send


@DOORS
def test_a_paused_channel_puts_its_message_off_without_an_attempt(door):
    message = due()
    until = pause("sms")
    assert door(message) is False
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("pending", 0, until)
    assert sms.outbox == []


@DOORS
def test_a_staff_resend_goes_at_once_even_while_its_channel_is_paused(door, django_user_model):
    officer = django_user_model.objects.create_user(username="officer", password="x")
    message = due(resent_by=officer)
    pause("sms")
    assert door(message) is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert [m["to"] for m in sms.outbox] == [MOBILE]


@DOORS
def test_a_whatsapp_message_goes_by_sms_at_once_while_whatsapp_is_paused(door):
    message = due(Notification.Channel.WHATSAPP)
    pause("whatsapp")
    assert door(message) is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 0)
    assert message.last_error == "WhatsApp paused after repeated failures"
    (copy,) = message.copies.all()
    assert (copy.channel, copy.status, copy.attempts) == ("sms", "sent", 1)
    assert whatsapp.outbox == [] and [m["to"] for m in sms.outbox] == [MOBILE]


@DOORS
def test_a_whatsapp_message_refused_goes_by_sms_at_once(door, monkeypatch):
    monkeypatch.setattr(whatsapp.LocmemBackend, "send", refuse(whatsapp.WhatsAppError))
    message = due(Notification.Channel.WHATSAPP)
    assert door(message) is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.last_error == "WhatsAppError: gateway down"
    (copy,) = message.copies.all()
    assert (copy.channel, copy.status) == ("sms", "sent")
    assert [m["to"] for m in sms.outbox] == [MOBILE]


@DOORS
def test_a_refused_message_waits_on_the_back_off_then_fails_after_the_last_delay(
    door, monkeypatch, settings
):
    settings.NOTIFICATION_RETRY_DELAYS = [7, 11]
    monkeypatch.setattr(sms.LocmemBackend, "send", refuse(sms.SMSError))
    message = due()  # held as the caller read it: its attempts stay 0 here
    for attempts, (status, delay) in enumerate(
        [("pending", 7), ("pending", 11), ("failed", 11)], start=1
    ):
        breaker.reset()
        before = timezone.now()
        assert door(message) is False
        row = Notification.objects.get(pk=message.pk)
        assert (row.status, row.attempts, row.last_error) == (
            status,
            attempts,
            "SMSError: gateway down",
        )
        assert delay <= (row.next_attempt_at - before).total_seconds() < delay + 2
        Notification.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert sms.outbox == []


@DOORS
@pytest.mark.parametrize("delivered", [False, True])
def test_the_gateway_id_is_kept_and_a_delivery_it_reports_at_once_recorded(
    door, monkeypatch, delivered
):
    monkeypatch.setattr(
        sms.LocmemBackend, "send", lambda self, **kw: Accepted("gw-7", delivered=delivered)
    )
    message = due()
    assert door(message) is True
    message.refresh_from_db()
    assert (message.status, message.gateway_id, message.attempts) == (
        "delivered" if delivered else "sent",
        "gw-7",
        1,
    )
    assert message.sent_at is not None
    assert message.delivered_at == (message.sent_at if delivered else None)


@DOORS
@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_a_worker_that_outlived_its_lease_leaves_the_message_another_sent(
    door, monkeypatch, channel
):
    """This worker's send hangs past its lease; another run takes the message and sends it;
    this send then fails. Its outcome (a retry, or the SMS copy of a WhatsApp message) must not
    overwrite the sent message nor send it again."""
    backend = sms if channel == "sms" else whatsapp
    real_send = backend.LocmemBackend.send
    calls = []

    def send(self, *, to, message):
        calls.append(to)
        if len(calls) == 1:  # stuck in the gateway past the lease
            later = timezone.now() + NOTIFICATION_LEASE + dt.timedelta(seconds=5)
            assert notifications_retry_due(now=later) == (1, 0)  # the other run
            raise (sms.SMSError if channel == "sms" else whatsapp.WhatsAppError)("timed out")
        return real_send(self, to=to, message=message)

    monkeypatch.setattr(backend.LocmemBackend, "send", send)
    message = due(channel)
    door(message)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert not message.copies.exists()
    assert len(backend.outbox) == 1 and len(sms.outbox) + len(whatsapp.outbox) == 1
