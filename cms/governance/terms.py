"""Board terms that follow time: which term covers a day, and starting the next one in place."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from cms.models.board import BoardMember, BoardTerm


def _terms(site):
    """The association's terms: `site`'s when given, else the request's host's (the manager)."""
    return BoardTerm.objects.all() if site is None else BoardTerm.all_sites.filter(site=site)


def term_covering(day: dt.date | None = None, *, site=None) -> BoardTerm | None:
    """The term in office on `day` (today by default)."""
    day = day or timezone.localdate()
    for term in _terms(site).filter(starts_on__lte=day).order_by("-starts_on"):
        if term.covers(day):
            return term
    return None


def latest_term(*, site=None) -> BoardTerm | None:
    return _terms(site).order_by("-number").first()


def next_term_start(previous: BoardTerm, meeting_date: dt.date) -> dt.date:
    """A new term starts the day after the previous one ended (or on the meeting's day)."""
    if previous.ends_on and previous.ends_on < meeting_date:
        return previous.ends_on + dt.timedelta(days=1)
    return meeting_date


@transaction.atomic
def board_term_continue(
    *, previous: BoardTerm, meeting_date: dt.date, members: Sequence[BoardMember], user
) -> tuple[BoardTerm, list[BoardMember]]:
    """Start the term after `previous` with the same people and roles, so that a meeting held
    after `previous` ended can be recorded; returns the term and the given members as its own."""
    if previous.covers(meeting_date):
        raise ValidationError(
            {"meeting_date": _("The chosen term still covers this date: no new term is needed.")}
        )
    if (
        meeting_date < previous.starts_on
        or BoardTerm.all_sites.filter(site=previous.site_id, number__gt=previous.number).exists()
    ):
        raise ValidationError(
            {"term": _("Only the latest term can be continued, by a meeting after it ended.")}
        )
    if any(member.term_id != previous.pk for member in members):
        raise ValidationError({"members": _("Choose only members of the previous term.")})
    term = BoardTerm.all_sites.create(
        site_id=previous.site_id,
        number=previous.number + 1,
        starts_on=next_term_start(previous, meeting_date),
    )
    copies = {}
    for member in previous.members.all():
        copies[member.pk] = BoardMember.objects.create(
            term=term,
            name=member.name,
            name_ar=member.name_ar,
            name_en=member.name_en,
            role=member.role,
            sort_order=member.sort_order,
        )
    log(instance=term, action="wagtail.create", user=user)
    return term, [copies[member.pk] for member in members]
