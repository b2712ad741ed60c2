"""Complaints and suggestions (الشكاوى والمقترحات), declared. The beneficiary-relations
policy promises to follow up beneficiaries' suggestions and to correct misconceptions about
the association's services: received → under review → referred to the responsible manager →
answered or resolved → closed, escalated to the board when unanswered past the period the
policy promises. The sender is told the answer; an anonymous sender gives no name or mobile and
follows it by the reference and the secret link alone (no message is sent to anyone)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cms.governance import BOARD_SECRETARIES
from cms.selectors import promised_response_period
from forms.casework.kinds import PublicEntry, Step, SubmissionKind, register
from forms.consents import COMPLAINT_CONSENTS, COMPLAINT_NAMED_CONSENTS
from forms.fields.complaint import ComplaintFields
from forms.groups import COMPLAINTS_OFFICERS
from forms.models import Complaint, ComplaintStatus, MessageTemplate, response_due_date

COMPLAINT_WORK = "intake.work_complaint"

_C = ComplaintStatus
W = COMPLAINT_WORK
COMPLAINT_TRANSITIONS: dict[str, dict[str, str]] = {
    # from: {to: the permission it needs}
    _C.RECEIVED: {_C.UNDER_REVIEW: W, _C.WITHDRAWN: W, _C.SPAM: W},
    _C.UNDER_REVIEW: {
        _C.INFORMATION_NEEDED: W,
        _C.REFERRED: W,
        _C.ANSWERED: W,  # a suggestion or a simple question is answered at once
        _C.RESOLVED: W,
        _C.WITHDRAWN: W,
        _C.SPAM: W,
    },
    _C.INFORMATION_NEEDED: {_C.UNDER_REVIEW: W, _C.WITHDRAWN: W},
    _C.REFERRED: {_C.ANSWERED: W, _C.RESOLVED: W, _C.UNDER_REVIEW: W, _C.WITHDRAWN: W},
    # The board follows an escalated complaint up; the officers still answer it.
    _C.ESCALATED: {_C.REFERRED: W, _C.ANSWERED: W, _C.RESOLVED: W, _C.WITHDRAWN: W},
    _C.ANSWERED: {_C.RESOLVED: W, _C.CLOSED: W},
    _C.RESOLVED: {_C.CLOSED: W},
}
OPEN = frozenset({_C.RECEIVED, _C.UNDER_REVIEW, _C.INFORMATION_NEEDED, _C.REFERRED, _C.ESCALATED})
DECIDED = frozenset({_C.ANSWERED, _C.RESOLVED})


class ComplaintKind(SubmissionKind):
    slug = "complaint"
    api_slug = "complaints"
    prefix = "CS"
    model = Complaint
    Status = ComplaintStatus
    initial = _C.RECEIVED

    procedure = COMPLAINT_TRANSITIONS
    open = OPEN
    decided = DECIDED
    finished = frozenset({_C.CLOSED, _C.WITHDRAWN, _C.SPAM})
    silent = frozenset({_C.SPAM})
    withdrawn = _C.WITHDRAWN
    erasure_withdraws = OPEN
    waiting_status = _C.INFORMATION_NEEDED
    answered_status = _C.UNDER_REVIEW
    escalated_status = _C.ESCALATED
    escalation_group = BOARD_SECRETARIES  # the board is told through its secretaries
    work_permission = COMPLAINT_WORK

    public = PublicEntry(
        path="complaint",
        url_name="intake_complaint",
        nav_label=_("Complaint or suggestion"),
        title=_("Complaint or suggestion"),
        intro=_("Tell us what went wrong or what we could do better."),
        submit_label=_("Send"),
        received_url_name="intake_complaint_received",
        order=30,
        keywords=(
            "complaint",
            "suggestion",
            "feedback",
            "شكوى",
            "شكاوى",
            "اقتراح",
            "مقترح",
            "ملاحظة",
        ),  # fmt: skip
    )
    fields = ComplaintFields
    consents = COMPLAINT_CONSENTS
    accepts_attachments = True
    applicant_fields = (
        "nature",
        "theme",
        "support_type",
        "policy",
        "description",
        "anonymous",
        "full_name",
        "national_id",
        "mobile",
        "email",
        "preferred_contact",
        "outcome",
    )
    personal_fields = {"description": "", "outcome": ""}
    search_text_fields = ("description",)
    due_field = "response_due"
    triage_group = COMPLAINTS_OFFICERS
    receipt_sms = MessageTemplate.Key.COMPLAINT_RECEIPT_SMS
    status_sms = MessageTemplate.Key.COMPLAINT_STATUS_SMS
    received_note = _(
        "Your message was received. A complaints officer studies it; the answer appears here."
    )

    def prepare(self, *, data: dict, consents: dict) -> dict:
        named = any(data.get(field) for field in ("full_name", "mobile", "email", "national_id"))
        if data.get("anonymous") and named:
            raise ValidationError(
                {"anonymous": _("An anonymous message holds no name or contact details.")},
                code="anonymous_named",
            )
        if named and not all(consents.get(purpose) for purpose in COMPLAINT_NAMED_CONSENTS):
            raise ValidationError(
                {"consents": ["required consent missing"]}, code="consent_required"
            )
        return {"response_due": response_due_date(days=promised_response_period())}

    def public_context(self, step: int) -> dict:
        if step != 1:
            return {}
        return {
            "period": promised_response_period(),
            "step_template": "intake/steps/complaint_privacy.html",
        }

    def step_errors(self, submission, step: Step) -> dict:
        errors = {}
        if step.to in self.decided and not step.message:
            errors["message"] = _("Write the answer; the sender reads it on the tracking page.")
        return {**errors, **super().step_errors(submission, step)}

    def tells(self, step: Step) -> bool:
        # The answer is the sender's right: it is always on their tracking page.
        return step.to in self.decided or super().tells(step)

    def on_step(self, submission, step: Step, now) -> list[str]:
        if step.to == self.escalated_status:
            submission.escalated_at = now
            return ["escalated_at"]
        if step.to in self.decided:
            submission.outcome = step.message
            return ["outcome"]
        return []

    def step_messages(self, submission, step: Step, told: bool) -> list[str]:
        # An anonymous sender has no mobile: nothing is sent, the tracking page says it all.
        if not submission.mobile:
            return []
        return super().step_messages(submission, step, told)


COMPLAINTS = register(ComplaintKind())
