"""A kind of submission, declared once: what the casework engine needs to know of help requests,
volunteer applications or any kind added later, in the manner of Wagtail's workflow `Task`.

A kind is data — its model, its statuses, the procedure as a transition table with the
permission each step needs, and the state categories (open, decided, finished, silent) — plus
hooks for what really differs (a rejection needs its reason, closing a request sends the rating
link). The engine (filing, transitions, information, privacy, the doors, search) is written
once against this class; `register` makes a kind known to all of them.

Adding a kind: its model (a `forms.models.Submission`), one `SubmissionKind` subclass with its
tables, and `register(TheKind())` where the app loads (its `AppConfig.ready`). An app that
declares kinds is listed before Wagtail's apps in INSTALLED_APPS, as the intake app is: the
admin reads the kinds when Wagtail loads it."""

import dataclasses
import functools
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import post_delete
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from forms.casework import registry
from forms.casework.messages import STAFF_MESSAGE, applicant_message, render_message, tracking_url
from forms.models import CaseFile, MessageTemplate, Notification
from search.index.registry import IndexedKind
from search.index.registry import register as index_kind
from search.text.arabic import index_text
from search.text.names import local_phone, name_words


@dataclasses.dataclass(frozen=True)
class Step:
    """One step staff ask for: the status to move to, an internal note, the message to the
    applicant (empty: the standard message), whether to tell them (None: the kind decides), and
    the kind's own details (a help request's rejection reason and committee meeting)."""

    to: str
    note: str = ""
    message: str = ""
    notify: bool | None = None
    details: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def cleaned(self) -> "Step":
        return Step(
            to=str(self.to or ""),
            note=(self.note or "").strip(),
            message=(self.message or "").strip(),
            notify=self.notify,
            details={name: (value or "").strip() for name, value in self.details.items()},
        )

    def detail(self, name: str) -> str:
        return self.details.get(name, "")


@dataclasses.dataclass(frozen=True)
class StepDetail:
    """A detail a kind asks for on some steps (the doors show it only for those)."""

    name: str
    label: str
    applies_to: frozenset
    max_length: int | None = None
    multiline: bool = False


@dataclasses.dataclass(frozen=True)
class PublicEntry:
    """How the public website offers a kind: its path and URL name, its label in the menus, the
    form page's title and introduction, and the page shown once filed (a URL name taking the
    reference and the tracking key; empty: the tracking page). The public door builds the rest —
    the steps, the drafts, the error summary — from the kind's fields."""

    path: str
    url_name: str
    nav_label: str
    title: str
    intro: str = ""
    submit_label: str = ""
    received_url_name: str = ""
    order: int = 100
    keywords: tuple[str, ...] = ()  # words a site search for this service may use


class SubmissionKind:
    # --- what it is ---
    slug: str = ""  # in tracking links and the search index: never rename
    api_slug: str = ""  # the staff API's path and the Elasticsearch index's name
    prefix: str = ""  # of its references: HR-2026-000123
    model: type = None
    Status: type = None  # the model's TextChoices of statuses
    initial: str = ""

    # --- the procedure, as data ---
    procedure: Mapping[str, Mapping[str, str]] = {}  # from: {to: the permission it needs}
    open: frozenset = frozenset()  # waiting for a decision
    decided: frozenset = frozenset()  # a step into one of these records the decision's date
    finished: frozenset = frozenset()  # nothing more will happen: retention may anonymise
    silent: frozenset = frozenset()  # the applicant is not told unless staff say so
    quiet: frozenset = frozenset()  # shown on the tracking page, but no message by itself
    withdrawn: str = ""  # where erasure at the person's request takes a submission…
    erasure_withdraws: frozenset = frozenset()  # …from these statuses
    waiting_status: str | None = None  # waiting for the applicant's answer to a question
    answered_status: str | None = None  # where the applicant's answer takes it back
    rated_status: str | None = None  # the applicant may rate the service once here
    escalated_status: str | None = None  # where an open submission goes past its answer date…
    escalation_group: str | None = None  # …and the group told of it (references only)
    details: tuple[StepDetail, ...] = ()
    work_permission: str = ""  # assigns and is assigned; any permission of the procedure works

    # --- what it holds and says ---
    fields = None  # the form class applicants fill in (every filing door uses it)
    consents: Mapping = {}  # purpose: (text, required)
    accepts_attachments = False
    applicant_fields: tuple[str, ...] = ()  # what staff see of the applicant (admin and API)
    personal_fields: Mapping = {}  # field: blank value, for retention and erasure
    person_key = "national_id"  # a person's data is found by this field
    search_text_fields: tuple[str, ...] = ()  # free text indexed besides the name
    type_field: str | None = None  # a foreign key that types it (filtered, faceted, reported)
    choice_filters: Mapping[str, type] = {}  # field: its TextChoices, stored as "code,code"
    due_field: str | None = None  # the date an answer is promised by (overdue, reminders)
    triage_group: str | None = None  # who is reminded of what nobody was given yet
    receipt_sms: str | None = None  # message keys (MessageTemplate.Key)
    receipt_email_subject: str | None = None
    receipt_email: str | None = None
    status_sms: str = MessageTemplate.Key.STATUS_CHANGED_SMS
    status_sms_for: Mapping[str, str] = {}  # status: its own message key (the events table)
    admin_namespace: str = ""  # of its inbox in the admin; "inbox_<slug>" when empty
    received_note = None  # shown on the tracking page while nothing has happened yet
    public: PublicEntry | None = None  # offered on the public website (forms.public)
    # The tracking page's stages, in order: (title, the statuses in it, what happens next).
    stages: tuple[tuple[str, frozenset, str], ...] = ()

    def __repr__(self):
        return f"<{type(self).__name__} {self.slug}>"

    # --- derived ---

    @property
    def label(self) -> str:
        return self.model._meta.verbose_name

    @property
    def label_plural(self) -> str:
        return self.model._meta.verbose_name_plural

    def permission(self, action: str) -> str:
        """`app_label.<action>_<model>`: view, add, export."""
        meta = self.model._meta
        return f"{meta.app_label}.{action}_{meta.model_name}"

    @property
    def view_permission(self) -> str:
        return self.permission("view")

    @property
    def export_permission(self) -> str:
        return self.permission("export")

    @property
    def add_permission(self) -> str:
        return self.permission("add")

    @property
    def working_permissions(self) -> list[str]:
        """Every permission that takes part in working this kind."""
        found = {self.work_permission} if self.work_permission else set()
        found.update(perm for targets in self.procedure.values() for perm in targets.values())
        return sorted(found)

    def label_of(self, status: str) -> str:
        return dict(self.Status.choices).get(status, status)

    def can_view(self, user) -> bool:
        return bool(user and user.has_perm(self.view_permission))

    def can_work(self, user) -> bool:
        """Whether the user takes part in working this kind (and reads its notes)."""
        return bool(user) and any(user.has_perm(perm) for perm in self.working_permissions)

    def can_assign(self, user) -> bool:
        return bool(user) and user.has_perm(self.work_permission)

    def next_statuses(self, status: str, user=None) -> list[str]:
        """The statuses a submission may move to, limited to those `user` may perform."""
        allowed = self.procedure.get(status, {})
        return [to for to, perm in allowed.items() if user is None or user.has_perm(perm)]

    def check(self, status: str, to: str, user) -> None:
        """Refuse a step the procedure does not allow (ValidationError) or that the user's role
        may not take (PermissionDenied)."""
        allowed = self.procedure.get(status, {})
        if to not in allowed:
            raise ValidationError(
                {
                    "to_status": _("A submission that is “%(from)s” cannot become “%(to)s”.")
                    % {"from": self.label_of(status), "to": self.label_of(to)}
                },
                code="illegal_transition",
            )
        if user is None or not user.has_perm(allowed[to]):
            raise PermissionDenied

    @property
    def escalates_from(self) -> frozenset:
        """The statuses a submission past its answer date is escalated from: the open ones,
        except the escalation itself and waiting for the applicant's answer."""
        if not (self.escalated_status and self.due_field):
            return frozenset()
        return self.open - {self.escalated_status, self.waiting_status}

    def details_for(self, statuses) -> list[StepDetail]:
        """The details to ask for when the step may go to one of `statuses`."""
        statuses = set(statuses)
        return [detail for detail in self.details if detail.applies_to & statuses]

    # --- hooks: override what differs ---

    def documents_for(self, source) -> list[str]:
        """The documents a submission must come with, by name; `source` is the form's cleaned
        data (a mapping) or a filed submission."""
        return []

    def public_context(self, step: int) -> dict:
        """What a step of the public form shows besides its fields; `step_template` is
        included above them."""
        return {}

    def stage_of(self, status: str) -> int | None:
        """The index of the stage `status` belongs to (None: in none, e.g. withdrawn)."""
        return next(
            (index for index, (_t, statuses, _n) in enumerate(self.stages) if status in statuses),
            None,
        )

    def prepare(self, *, data: dict, consents: dict) -> dict:
        """Fields the kind sets itself when a submission is filed (an answer date…)."""
        return {}

    def step_errors(self, submission, step: Step) -> dict:
        """What is missing for this step, by field; the step is refused while anything is."""
        if step.to == self.waiting_status and not step.message:
            return {"message": _("Write what the applicant should send or explain.")}
        return {}

    def tells(self, step: Step) -> bool:
        """Whether the applicant is told of this step."""
        if step.to == self.waiting_status:
            return True  # the applicant must know what to answer
        return bool(step.notify) if step.notify is not None else step.to not in self.silent

    def on_step(self, submission, step: Step, now) -> list[str]:
        """Write the kind's own fields for this step on the (locked) submission; return their
        names."""
        return []

    def event_fields(self, step: Step) -> dict:
        """The kind's own values recorded on the timeline step."""
        return {}

    def public_message(self, step: Step) -> str:
        """What the applicant reads of this step on the tracking page."""
        return step.message

    def status_message(self, submission, step: Step) -> str:
        """The message telling the applicant of a step: the staff's own words, or the standard
        one for its status."""
        if step.message and step.to != self.waiting_status:
            return f"{submission.reference}: {step.message} {tracking_url(submission)}"
        return render_message(
            self.step_event(step), submission, status=self.label_of(step.to), **step.details
        )

    def step_event(self, step: Step) -> str:
        """The event (message key) of a step, from the kind's table."""
        if step.message and step.to != self.waiting_status:
            return STAFF_MESSAGE
        return self.status_sms_for.get(step.to, self.status_sms)

    def speaks(self, step: Step, told: bool) -> bool:
        """Whether a step sends a message: told, and either staff wrote to the applicant or the
        step concerns them (not one of the kind's quiet steps)."""
        if not told:
            return False
        return bool(step.message) or step.to not in self.quiet

    def step_messages(self, submission, step: Step, told: bool) -> list[str]:
        """The texts a step sends (one, or none)."""
        return [self.status_message(submission, step)] if self.speaks(step, told) else []

    def step_notifications(self, submission, step: Step, told: bool) -> list[Notification]:
        """The messages of a step on each of the applicant's channels (not yet saved)."""
        event = self.step_event(step)
        return [
            notification
            for body in self.step_messages(submission, step, told)
            for notification in applicant_message(submission, event=event, body=body)
        ]

    def receipt(self, submission) -> list[Notification]:
        """The receipt of a filed submission on each of the applicant's channels (not yet
        saved); the email copy takes the kind's own receipt email when it has one."""
        if not self.receipt_sms:
            return []
        return applicant_message(
            submission,
            event=self.receipt_sms,
            body=render_message(self.receipt_sms, submission),
            # rendered only for an applicant who gets an email
            email_subject=(
                functools.partial(render_message, self.receipt_email_subject, submission)
                if self.receipt_email_subject
                else ""
            ),
            email_body=(
                functools.partial(render_message, self.receipt_email, submission)
                if self.receipt_email
                else ""
            ),
        )

    def inspect_url(self, submission) -> str:
        """The submission's page in the admin (a path), or the admin's home."""
        try:
            return reverse(
                f"{self.admin_namespace or f'inbox_{self.slug}'}:inspect", args=[submission.pk]
            )
        except NoReverseMatch:
            return reverse("wagtailadmin_home")

    def search_columns(self) -> tuple[str, ...]:
        """Every attribute `search_document` reads."""
        return (
            "pk",
            "site_id",
            "reference",
            "full_name",
            "national_id",
            "mobile",
            *self.search_text_fields,
            "status",
            *((f"{self.type_field}_id",) if self.type_field else ()),
            "channel",
            "city",
            "assignee_id",
            "submitted_at",
        )

    def search_document(self, submission) -> dict:
        """The index entry of one submission: only what staff search and filter on."""
        full_name = getattr(submission, "full_name", "")
        name = " ".join(name_words(full_name))
        free_text = [getattr(submission, field) for field in self.search_text_fields]
        return {
            "kind": self.slug,
            "object_id": submission.pk,
            "site_id": submission.site_id,  # every search is within one association
            "reference": submission.reference,
            "national_id": getattr(submission, "national_id", ""),
            "phone": local_phone(getattr(submission, "mobile", "")),
            "name": name,
            # The name as written (normalised) and every stem, so both spellings meet.
            "text": " ".join([name, index_text(full_name, *free_text)]).strip(),
            "status": submission.status,
            "support_type_id": getattr(submission, f"{self.type_field}_id", None)
            if self.type_field
            else None,
            "channel": submission.channel,
            "city": getattr(submission, "city", ""),
            "assignee_id": submission.assignee_id,
            "submitted_at": submission.submitted_at,
        }


def register(kind: SubmissionKind) -> SubmissionKind:
    """Make a kind known to the engine and every door: the registry, the submission index (its
    saves and deletes are indexed after the commit), and the case file that goes with a
    deleted submission."""
    registry.add(kind)
    index_kind(
        IndexedKind(
            slug=kind.slug,
            model=kind.model,
            document=kind.search_document,
            visible_to=kind.can_view,
            index_name=kind.api_slug,
            columns=kind.search_columns(),
        )
    )
    post_delete.connect(
        _close_case_file, sender=kind.model, dispatch_uid=f"casework-{kind.slug}-delete"
    )
    return kind


def _close_case_file(sender, instance, **kwargs) -> None:
    """A deleted submission takes its case file, and so every row of it, along."""
    CaseFile.objects.filter(pk=instance.case_file_id).delete()
