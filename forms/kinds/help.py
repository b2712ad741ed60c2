"""Help requests (طلب دعم مستفيد), declared. The published beneficiary-relations policy is the
specification: receive, check the data, ask for what is missing, refer the file to the research
committee, which accepts or rejects within the promised period; then delivery, closing, and the
rating. A rejection needs its reason (the applicant is told it), a decision its committee
meeting; closing sends the link to rate the service. Checking and referring the file are the
association's own work: the applicant sees them on the tracking page, without a message."""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from cms.selectors import promised_response_period
from forms.casework.filing import submission_file
from forms.casework.information import submission_ask_information
from forms.casework.kinds import PublicEntry, Step, StepDetail, SubmissionKind, register
from forms.casework.transitions import submission_transition
from forms.consents import HELP_REQUEST_CONSENTS
from forms.fields.help import HelpRequestFields
from forms.groups import OFFICERS
from forms.models import (
    Channel,
    HelpRequest,
    MessageTemplate,
    RequestStatus,
    SupportType,
    response_due_date,
)
from portal.core.associations import current_or_default_site

WORK = "intake.work_helprequest"
DECIDE = "intake.decide_helprequest"

_R = RequestStatus
HELP_REQUEST_TRANSITIONS: dict[str, dict[str, str]] = {
    # from: {to: the permission it needs}
    _R.RECEIVED: {_R.UNDER_REVIEW: WORK, _R.WITHDRAWN: WORK, _R.SPAM: WORK},
    _R.UNDER_REVIEW: {
        _R.INFORMATION_NEEDED: WORK,
        _R.REFERRED: WORK,
        _R.WITHDRAWN: WORK,
        _R.SPAM: WORK,
    },
    _R.INFORMATION_NEEDED: {_R.UNDER_REVIEW: WORK, _R.WITHDRAWN: WORK, _R.SPAM: WORK},
    _R.REFERRED: {
        _R.ACCEPTED: DECIDE,
        _R.REJECTED: DECIDE,
        _R.UNDER_REVIEW: DECIDE,  # the committee sends the file back for more study
        _R.WITHDRAWN: WORK,
        _R.SPAM: WORK,
    },
    _R.ACCEPTED: {_R.DELIVERED: WORK},
    _R.REJECTED: {_R.CLOSED: WORK},
    _R.DELIVERED: {_R.CLOSED: WORK},
}
OPEN = frozenset({_R.RECEIVED, _R.UNDER_REVIEW, _R.INFORMATION_NEEDED, _R.REFERRED})
DECIDED = frozenset({_R.ACCEPTED, _R.REJECTED})


class HelpRequestKind(SubmissionKind):
    slug = "help"
    api_slug = "help-requests"
    prefix = "HR"
    model = HelpRequest
    Status = RequestStatus
    initial = _R.RECEIVED

    procedure = HELP_REQUEST_TRANSITIONS
    open = OPEN
    decided = DECIDED
    finished = frozenset({_R.CLOSED, _R.WITHDRAWN, _R.SPAM})
    silent = frozenset({_R.SPAM})
    withdrawn = _R.WITHDRAWN
    erasure_withdraws = OPEN
    waiting_status = _R.INFORMATION_NEEDED
    answered_status = _R.UNDER_REVIEW
    rated_status = _R.CLOSED
    details = (
        StepDetail(
            "reason",
            _("Reason for the rejection (the applicant is told it)"),
            frozenset({_R.REJECTED}),
            multiline=True,
        ),
        StepDetail(
            "meeting", _("Research committee meeting (number and date)"), DECIDED, max_length=100
        ),
    )
    work_permission = WORK

    fields = HelpRequestFields
    consents = HELP_REQUEST_CONSENTS
    accepts_attachments = True
    applicant_fields = (
        "full_name",
        "national_id",
        "date_of_birth",
        "gender",
        "nationality",
        "marital_status",
        "family_size",
        "dependants",
        "monthly_income",
        "income_sources",
        "city",
        "district",
        "mobile",
        "email",
        "preferred_contact",
        "description",
    )
    personal_fields = {
        "district": "",
        "nationality": "",
        "income_sources": "",
        "description": "",
        "monthly_income": 0,
        "decision_reason": "",
    }
    search_text_fields = ("district", "city", "description")
    type_field = "support_type"
    due_field = "response_due"
    triage_group = OFFICERS
    receipt_sms = MessageTemplate.Key.RECEIPT_SMS
    receipt_email_subject = MessageTemplate.Key.RECEIPT_EMAIL_SUBJECT
    receipt_email = MessageTemplate.Key.RECEIPT_EMAIL
    # Which steps speak (see forms.casework.messages): the rest say "{status}" in the
    # standard message, and these two concern only the association's own work.
    quiet = frozenset({_R.UNDER_REVIEW, _R.REFERRED})
    public = PublicEntry(
        path="help-request",
        url_name="intake_help_request",
        nav_label=_("Request support"),
        title=_("Support request"),
        intro=_(
            "Answer a few short questions; your answers are saved as you go. You will get a "
            "reference number and a link to follow your request."
        ),
        submit_label=_("Send the request"),
        received_url_name="intake_help_received",
        order=10,
        keywords=("help", "support", "apply", "aid", "مساعدة", "دعم", "طلب", "إعانة", "تقديم"),
    )
    stages = (
        (_("Received"), frozenset({_R.RECEIVED}), _("Staff check your request and documents.")),
        (
            _("Checking your data"),
            frozenset({_R.UNDER_REVIEW, _R.INFORMATION_NEEDED}),
            _("If anything is missing we ask you here and by text message."),
        ),
        (
            _("With the research committee"),
            frozenset({_R.REFERRED}),
            _("The committee studies your file and decides by the promised date."),
        ),
        (
            _("Decision"),
            frozenset({_R.ACCEPTED, _R.REJECTED}),
            _("We tell you the decision; if accepted, we arrange the support."),
        ),
        (
            _("Support delivered"),
            frozenset({_R.DELIVERED, _R.CLOSED}),
            _("Once closed you can rate our service."),
        ),
    )
    status_sms_for = {
        _R.INFORMATION_NEEDED: MessageTemplate.Key.INFORMATION_NEEDED_SMS,
        _R.ACCEPTED: MessageTemplate.Key.ACCEPTED_SMS,
        _R.REJECTED: MessageTemplate.Key.REJECTED_SMS,
        _R.DELIVERED: MessageTemplate.Key.DELIVERED_SMS,
        _R.CLOSED: MessageTemplate.Key.RATING_REQUEST_SMS,
    }

    def public_context(self, step: int) -> dict:
        if step != 1:
            return {}
        default = promised_response_period()
        types = [
            (support_type, support_type.period_days(default))
            for support_type in SupportType.objects.filter(
                site=current_or_default_site(), active=True
            )
        ]
        return {"support_types": types, "step_template": "intake/steps/support_types.html"}

    def documents_for(self, source) -> list[str]:
        support_type = (
            source.get("support_type") if isinstance(source, dict) else source.support_type
        )
        return support_type.document_list() if support_type else []

    def prepare(self, *, data: dict, consents: dict) -> dict:
        return {"response_due": response_due_date(days=data["support_type"].period_days())}

    def step_errors(self, submission, step: Step) -> dict:
        errors = {}
        if step.to == _R.REJECTED and not step.detail("reason"):
            errors["reason"] = _("Give the reason for the rejection; the applicant is told it.")
        if step.to in self.decided and not step.detail("meeting"):
            errors["meeting"] = _("Give the research committee meeting that decided.")
        return {**errors, **super().step_errors(submission, step)}

    def on_step(self, submission, step: Step, now) -> list[str]:
        if step.to not in self.decided:
            return []
        submission.committee_meeting = step.detail("meeting")[:100]
        submission.decision_reason = step.detail("reason")
        return ["committee_meeting", "decision_reason"]

    def event_fields(self, step: Step) -> dict:
        return {"meeting": step.detail("meeting")[:100]}

    def public_message(self, step: Step) -> str:
        return step.message or (step.detail("reason") if step.to == _R.REJECTED else "")


HELP_REQUESTS = register(HelpRequestKind())


# --- the services by their old names ------------------------------------------------------------


def help_request_submit(
    *,
    data: dict,
    consents: dict,
    attachments: Sequence = (),
    language: str = "ar",
    channel: str = Channel.WEBSITE,
    recorded_by=None,
    idempotency_key: str | None = None,
) -> tuple[HelpRequest, bool]:
    return submission_file(
        kind=HELP_REQUESTS,
        data=data,
        consents=consents,
        attachments=attachments,
        language=language,
        channel=channel,
        recorded_by=recorded_by,
        idempotency_key=idempotency_key,
    )


def help_request_transition(
    *,
    help_request: HelpRequest,
    user,
    to_status: str,
    note: str = "",
    message: str = "",
    notify: bool | None = None,
    reason: str = "",
    meeting: str = "",
):
    return submission_transition(
        submission=help_request,
        user=user,
        step=Step(
            to=to_status,
            note=note,
            message=message,
            notify=notify,
            details={"reason": reason, "meeting": meeting},
        ),
    )


def help_request_ask_information(*, help_request: HelpRequest, user, question: str):
    return submission_ask_information(submission=help_request, user=user, question=question)
