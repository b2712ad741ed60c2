"""Deadline reminders: each assignee is emailed the submissions that are overdue or due within
two days (references and days only: no personal data in the message); what nobody was given yet
goes to the kind's triage group of its association. Each is also a notice in the admin; nothing
crosses from one association to another."""

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.models import Site

from forms.casework import registry
from forms.casework.messages import site_url
from forms.staff_notices import staff_notify
from portal.accounts.associations import association_group_members
from portal.core.people import person_language

logger = logging.getLogger(__name__)
REMINDER_DAYS_AHEAD = 2


def _due_by_person(today: dt.date, site) -> dict:
    """{assignee id or (None, triage group): [(reference, days, |days|)]} over the kinds that
    promise an answer date, within one association."""
    by_person: dict = {}
    for kind in registry.kinds():
        if not kind.due_field:
            continue
        due = (
            kind.model.objects.filter(
                site=site,
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


def deadline_reminders_send(*, today: dt.date | None = None, site=None) -> int:
    """One reminder per person and association, in the admin (on that association's host) and by
    email: each lists only that association's submissions. Every association unless `site` is
    given. Returns the number of reminders."""
    today = today or timezone.localdate()
    sites = [site] if site is not None else list(Site.objects.order_by("pk"))
    return sum(_association_reminders_send(today, each) for each in sites)


def _association_reminders_send(today: dt.date, site) -> int:
    users = get_user_model().objects.filter(is_active=True)
    recipients: dict = {}
    for key, items in _due_by_person(today, site).items():
        if isinstance(key, tuple):
            people = association_group_members(site, key[1]) if key[1] else users.none()
        else:
            people = users.filter(pk=key)
        for person in people:
            recipients.setdefault(person, []).extend(items)
    for person, items in recipients.items():
        with translation.override(person_language(person)):
            body = render_to_string(
                "intake/messages/deadline_reminder_email.txt",
                {"items": items, "inbox_url": site_url("admin/", site)},
            ).strip()
            subject = str(_("Requests waiting for an answer"))
            text = ngettext(
                "%(count)s request waits for an answer by its date: %(references)s",
                "%(count)s requests wait for an answer by their date: %(references)s",
                len(items),
            ) % {"count": len(items), "references": ", ".join(item[0] for item in items[:10])}
        staff_notify(
            user=person,
            text=text,
            url=reverse("wagtailadmin_home"),
            subject=subject,
            body=body,
            site=site,
        )
    logger.info("deadline reminders queued: %s", len(recipients))
    return len(recipients)
