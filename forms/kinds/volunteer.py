"""Volunteer applications (خدمة التطوع), declared: application, screening, an interview,
the decision, then active volunteering until it ends."""

from django.utils.translation import gettext_lazy as _

from cms.selectors import volunteer_charter
from forms.casework.filing import submission_file
from forms.casework.kinds import PublicEntry, Step, SubmissionKind, register
from forms.casework.transitions import submission_transition
from forms.consents import VOLUNTEER_CONSENTS
from forms.fields.volunteer import VolunteerApplicationFields
from forms.models import (
    VOLUNTEER_CHOICES,
    Channel,
    MessageTemplate,
    VolunteerApplication,
    VolunteerStatus,
)

VOLUNTEER_WORK = "intake.work_volunteerapplication"

_V = VolunteerStatus
VOLUNTEER_TRANSITIONS: dict[str, dict[str, str]] = {
    _V.NEW: {_V.SCREENING: VOLUNTEER_WORK, _V.DECLINED: VOLUNTEER_WORK},
    _V.SCREENING: {
        _V.INTERVIEW: VOLUNTEER_WORK,
        _V.ACCEPTED: VOLUNTEER_WORK,
        _V.DECLINED: VOLUNTEER_WORK,
    },
    _V.INTERVIEW: {_V.ACCEPTED: VOLUNTEER_WORK, _V.DECLINED: VOLUNTEER_WORK},
    _V.ACCEPTED: {_V.ACTIVE: VOLUNTEER_WORK, _V.WITHDRAWN: VOLUNTEER_WORK},
    _V.ACTIVE: {_V.ENDED: VOLUNTEER_WORK},
}
OPEN = frozenset({_V.NEW, _V.SCREENING, _V.INTERVIEW})
for _open in OPEN:
    VOLUNTEER_TRANSITIONS[_open].update({_V.WITHDRAWN: VOLUNTEER_WORK, _V.SPAM: VOLUNTEER_WORK})


class VolunteerApplicationKind(SubmissionKind):
    slug = "volunteer"
    api_slug = "volunteer-applications"
    prefix = "VA"
    model = VolunteerApplication
    Status = VolunteerStatus
    initial = _V.NEW

    procedure = VOLUNTEER_TRANSITIONS
    open = OPEN
    decided = frozenset({_V.ACCEPTED, _V.DECLINED})
    finished = frozenset({_V.DECLINED, _V.ENDED, _V.WITHDRAWN, _V.SPAM})
    silent = frozenset({_V.SPAM})
    withdrawn = _V.WITHDRAWN
    erasure_withdraws = frozenset({*OPEN, _V.ACCEPTED, _V.ACTIVE})
    work_permission = VOLUNTEER_WORK

    fields = VolunteerApplicationFields
    consents = VOLUNTEER_CONSENTS
    applicant_fields = (
        "full_name",
        "national_id",
        "date_of_birth",
        "gender",
        "city",
        "mobile",
        "email",
        "education",
        "skills",
        "interests",
        "languages",
        "availability",
        "hours_per_week",
        "experience",
        "platform_account",
        "charter_accepted",
    )
    personal_fields = {
        "skills": "",
        "experience": "",
        "platform_account": "",
        "languages": "",
        "education": "",
        "interests": "",
        "availability": "",
        "skills_other": "",
        "interests_other": "",
        "availability_other": "",
    }
    search_text_fields = ("city", "skills", "interests", "skills_other", "interests_other")
    choice_filters = VOLUNTEER_CHOICES
    receipt_sms = MessageTemplate.Key.VOLUNTEER_RECEIPT_SMS
    status_sms = MessageTemplate.Key.VOLUNTEER_STATUS_SMS
    quiet = frozenset({_V.SCREENING})  # the coordinator's own work
    admin_namespace = "inbox_volunteers"
    public = PublicEntry(
        path="volunteer",
        url_name="intake_volunteer",
        nav_label=_("Volunteer"),
        title=_("Volunteer application"),
        intro=_("Tell us about yourself, what you bring and when you can help."),
        submit_label=_("Send the application"),
        order=20,
        keywords=("volunteer", "volunteering", "تطوع", "متطوع", "تطوعي"),
    )
    stages = (
        (
            _("Received"),
            frozenset({_V.NEW}),
            _("The volunteer coordinator reads your application."),
        ),
        (
            _("Screening and interview"),
            frozenset({_V.SCREENING, _V.INTERVIEW}),
            _("The coordinator may call you for a short interview."),
        ),
        (
            _("Decision"),
            frozenset({_V.ACCEPTED, _V.DECLINED}),
            _("We tell you the decision by text message."),
        ),
        (_("Volunteering"), frozenset({_V.ACTIVE, _V.ENDED}), _("Welcome to the team.")),
    )
    received_note = _(
        "Your volunteer application was received. The volunteer coordinator will contact you."
    )

    def public_context(self, step: int) -> dict:
        if step != len(self.fields.steps):
            return {}
        charter = volunteer_charter()
        return {"charter_url": charter.url} if charter else {}

    def prepare(self, *, data: dict, consents: dict) -> dict:
        return {"charter_accepted": bool(consents.get("charter"))}


VOLUNTEER_APPLICATIONS = register(VolunteerApplicationKind())


# --- the services by their old names ------------------------------------------------------------


def volunteer_application_submit(
    *,
    data: dict,
    consents: dict,
    language: str = "ar",
    channel: str = Channel.WEBSITE,
    idempotency_key: str | None = None,
) -> tuple[VolunteerApplication, bool]:
    return submission_file(
        kind=VOLUNTEER_APPLICATIONS,
        data=data,
        consents=consents,
        language=language,
        channel=channel,
        idempotency_key=idempotency_key,
    )


def volunteer_application_transition(
    *,
    application: VolunteerApplication,
    user,
    to_status: str,
    note: str = "",
    message: str = "",
    notify: bool | None = None,
):
    return submission_transition(
        submission=application,
        user=user,
        step=Step(to=to_status, note=note, message=message, notify=notify),
    )
