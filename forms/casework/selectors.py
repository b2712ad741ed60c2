"""Reads of the casework, for every door: what a user may see of a kind (the one place a scope
is applied), a submission by its reference or tracking link, who may be given one, its
timeline, and the steps a user may take.

Everything is within one association: the current one (the request's host) unless a site is
given. A user sees a kind's submissions of an association only when a role of theirs in that
association (or a platform-wide grant) holds the kind's view permission: roles of another
association count for nothing here (portal.accounts.associations.SiteRoleBackend)."""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.utils import translation
from django.utils.translation import gettext as _

from forms.casework import registry
from forms.casework.kinds import SubmissionKind
from forms.groups import ROLE_LABELS
from forms.models import Notification, StaffNotice
from forms.notifications import failed_messages
from portal.accounts.associations import association_groups, role_of_group
from portal.core.associations import association, current_or_default_site
from search.index.service import matching_ids


def _site(site=None):
    return site or current_or_default_site()


def submissions_for(user, kind: SubmissionKind, site=None):
    """The submissions of `kind` in the current association (or `site`) this user may see (none
    without the kind's view permission there)."""
    site = _site(site)
    if site is None:
        return kind.model.objects.none()
    with association(site):
        if not kind.can_view(user):
            return kind.model.objects.none()
    return kind.model.objects.filter(site=site)


def submissions_matching(queryset, user, text: str):
    """Narrow a list to what the submission search finds for `text` (reference, ID, phone in
    any format, name however spelled, words of the description), within what `user` may see."""
    kind = registry.of(queryset.model)
    site = _site()
    return queryset.filter(pk__in=matching_ids(user, kind.slug, text, site_id=site.pk))


def submission_tracked(*, kind_slug: str, reference: str, key: str, site=None):
    """The submission behind a tracking link on the current association's host, or None — the
    same answer whether the reference does not exist, is another association's or the key is
    wrong."""
    kind = registry.get(kind_slug)
    if kind is None:
        return None
    submission = kind.model.objects.filter(site=_site(site), reference=reference).first()
    if submission is None or not submission.tracking_key_matches(key):
        return None
    return submission


def submission_by_idempotency_key(kind: SubmissionKind, key: str | None, site=None):
    """The submission an idempotency key filed, if any. Asked before every filing and nearly
    always none: looked up by its id alone (a narrow query), the row read only when found."""
    if not key:
        return None
    found = (
        kind.model.objects.filter(site=_site(site), idempotency_key=key)
        .values_list("pk", flat=True)
        .first()
    )
    return None if found is None else kind.model.objects.get(pk=found)


def staff_for(kind: SubmissionKind, site=None):
    """Active users who may be given a submission of `kind` in the current association (or
    `site`): holding any permission of its procedure there (directly, through a platform-wide
    group or that association's, or as superusers)."""
    return _staff_query(kind, _site(site)).all()


@functools.lru_cache(maxsize=1024)
def _staff_query(kind: SubmissionKind, site):
    """The query of `staff_for`, put together once per kind and association: it holds no row
    (each caller reads the database through a copy of it), and building its joins costs more
    than running it. Every view of an inbox's list asks it for the filters' choices."""
    codenames = [perm.split(".", 1)[1] for perm in kind.working_permissions]
    groups = association_groups(site).filter(permissions__codename__in=codenames)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__in=groups)
            | Q(user_permissions__codename__in=codenames)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def next_steps(submission, user) -> list[tuple[str, str]]:
    """(status, label) of the steps this user may take on this submission."""
    kind = registry.of(submission)
    return [
        (status, kind.label_of(status)) for status in kind.next_statuses(submission.status, user)
    ]


def internal_notes(submission, user) -> list:
    """The internal notes, for those who work the kind; nothing for anyone else."""
    if not registry.of(submission).can_work(user):
        return []
    return list(submission.notes.select_related("author"))


def messages_of(submission, user) -> list:
    """The messages sent to the applicant and their states, for those who work the kind."""
    if not registry.of(submission).can_work(user):
        return []
    return list(
        Notification.objects.of(submission)
        .select_related("resent_by", "copy_of")
        .order_by("created_at", "pk")
    )


def timeline(submission, user) -> list[tuple[str, object, object]]:
    """Steps and (for those who work the kind) internal notes and messages with their states,
    oldest first, as ("event" | "note" | "message", when, row)."""
    events = list(submission.events.select_related("by", "assigned_to"))
    notes = internal_notes(submission, user)
    messages = messages_of(submission, user)
    return sorted(
        [("event", e.at, e) for e in events]
        + [("note", n.created_at, n) for n in notes]
        + [("message", m.created_at, m) for m in messages],
        key=lambda item: item[1],
    )


def with_failed_messages(submissions: list) -> list:
    """Mark each submission of a page of a list with whether a message to its applicant failed
    past the last retry and was not sent again (`message_failed`): one query for the page's case
    files."""
    failed = set(
        failed_messages()
        .filter(case_file_id__in=[submission.case_file_id for submission in submissions])
        .values_list("case_file_id", flat=True)
        .order_by()
    )
    for submission in submissions:
        submission.message_failed = submission.case_file_id in failed
    return submissions


def staff_load(kind: SubmissionKind, site=None) -> dict[int, tuple[list[str], int]]:
    """{user id: (their roles in the association, the open submissions of `kind` of that
    association they hold)} for the people who may be given one: what the assignee choices show
    beside each name."""
    site = _site(site)
    people = staff_for(kind, site).prefetch_related(
        Prefetch(
            "groups",
            queryset=association_groups(site).select_related("association_role"),
        )
    )
    load = dict(
        kind.model.objects.filter(site=site, status__in=kind.open, assignee__isnull=False)
        .values("assignee")
        .annotate(count=Count("pk"))
        .values_list("assignee", "count")
    )
    return {
        person.pk: (
            [str(_role_label(group)) for group in person.groups.all()]
            or ([str(_("Full access"))] if person.is_superuser else []),
            load.get(person.pk, 0),
        )
        for person in people
    }


def _role_label(group):
    role = role_of_group(group)
    return role.label if role is not None else ROLE_LABELS.get(group.name, group.name)


def question(submission) -> str:
    """The last question put to the applicant, while the submission waits for their answer."""
    kind = registry.of(submission)
    return next(
        (
            event.message
            for event in reversed(submission.public_events)
            if event.to_status == kind.waiting_status
        ),
        "",
    )


def can_rate(submission) -> bool:
    kind = registry.of(submission)
    return bool(kind.rated_status) and (
        submission.status == kind.rated_status and submission.rating is None
    )


def person_submissions(national_id: str, site=None) -> dict[SubmissionKind, list]:
    """Every submission the current association (or `site`) holds about one person, by kind."""
    site = _site(site)
    return {
        kind: list(
            kind.model.objects.filter(site=site, **{kind.person_key: national_id}).order_by("pk")
        )
        for kind in registry.kinds()
        if kind.person_key
    }


def notices_for(user, *, limit: int = 10) -> list:
    """The latest notices to a member of staff (assignments, deadlines) about the current
    association, newest first."""
    return list(StaffNotice.objects.filter(user=user, site=_site())[:limit])


def document_checklist(submission) -> list[tuple[str, list]]:
    """Each document the submission's kind requires of it, with the files given for it (none
    yet: still missing), for staff to check off."""
    kind = registry.of(submission)
    required = kind.documents_for(submission)
    if not required:
        return []
    # The applicant named each file in their language; staff may read another.
    names = [required]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.append(kind.documents_for(submission))
    given: dict[str, list] = {}
    for attachment in submission.attachments.all():
        given.setdefault(attachment.document, []).append(attachment)
    return [
        (
            name,
            [
                file
                for spelling in {spellings[index] for spellings in names if index < len(spellings)}
                for file in given.get(spelling, [])
            ],
        )
        for index, name in enumerate(required)
    ]
