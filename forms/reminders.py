"""Deadline reminders: each assignee is emailed the submissions that are overdue or due within
two days (references and days only: no personal data in the message); what nobody was given yet
goes to the kind's triage group."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from forms.casework import registry
from forms.models import Notification
from forms.notifications import notifications_send_after_commit

logger = logging.getLogger(__name__)
REMINDER_DAYS_AHEAD = 2


def _due_by_person(today: dt.date) -> dict:
    """{assignee id or (None, triage group): [(reference, days, |days|)]} over the kinds that
    promise an answer date."""
    by_person: dict = {}
    for kind in registry.kinds():
        if not kind.due_field:
            continue
        due = (
            kind.model.objects.filter(
                status__in=kind.open,
                **{f"{kind.due_field}__lte": today + dt.timedelta(days=REMINDER_DAYS_AHEAD)},
            )
            .order_by(kind.due_field, "pk")
            .values_list("reference", kind.due_field, "assignee_id")
        )
        for reference, due_on, assignee_id in due:
            days = (due_on - today).days
            key = assignee_id if assignee_id is not None else (None, kind.triage_group)
            by_person.setdefault(key, []).append((reference, days, abs(days)))
    return by_person


def deadline_reminders_send(*, today: dt.date | None = None) -> int:
    """Queue one reminder per person. Returns the number of reminders queued."""
    today = today or timezone.localdate()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    recipients: dict = {}
    for key, items in _due_by_person(today).items():
        if isinstance(key, tuple):
            people = users.filter(groups__name=key[1]) if key[1] else users.none()
        else:
            people = users.filter(pk=key)
        for person in people:
            recipients.setdefault(person, []).extend(items)
    queued = []
    for person, items in recipients.items():
        language = getattr(getattr(person, "wagtail_userprofile", None), "preferred_language", "")
        with translation.override(language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "intake/messages/deadline_reminder_email.txt",
                {"items": items, "inbox_url": f"{settings.SITE_BASE_URL}/admin/"},
            ).strip()
            subject = str(_("Requests waiting for an answer"))
        queued.append(
            Notification(channel="email", recipient=person.email, subject=subject, body=body)
        )
    notifications_send_after_commit(queued)
    logger.info("deadline reminders queued: %s", len(queued))
    return len(queued)
