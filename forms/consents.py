"""The texts applicants agree to, versioned. Change a text: bump its version."""

from django.utils.translation import gettext_lazy as _

from forms.models import ConsentPurpose

VERSION = "2026-11"

PRIVACY_NOTICE = _(
    "We use the information in this form only to study and answer your request. Only the staff "
    "who work on requests can see it; it is never published, and it is kept for the period set "
    "in our data-retention policy, then deleted or anonymised. You can ask to see or erase your data."
)

HELP_REQUEST_CONSENTS = {
    ConsentPurpose.DECLARATION: (
        _(
            "I declare that the information I give is true and complete, and that I am directly responsible for its accuracy."
        ),
        True,
    ),
    ConsentPurpose.PROCESSING: (
        _(
            "I agree that the association processes my information to study and answer this request."
        ),
        True,
    ),
    ConsentPurpose.CONTACT: (
        _("I agree to be contacted about this request by my preferred channel."),
        True,
    ),
    ConsentPurpose.FUTURE_PROGRAMMES: (
        _("I would like to hear about the association's future programmes (optional)."),
        False,
    ),
}

VOLUNTEER_CONSENTS = {
    ConsentPurpose.DECLARATION: HELP_REQUEST_CONSENTS[ConsentPurpose.DECLARATION],
    ConsentPurpose.PROCESSING: (
        _("I agree that the association processes my information to study my application."),
        True,
    ),
    ConsentPurpose.CHARTER: (_("I have read and accept the volunteer charter."), True),
    ConsentPurpose.FUTURE_PROGRAMMES: HELP_REQUEST_CONSENTS[ConsentPurpose.FUTURE_PROGRAMMES],
}

# A complaint or suggestion may be anonymous: these are asked only when the sender gives their
# name and contact details (the form and the kind require them then).
COMPLAINT_CONSENTS = {
    ConsentPurpose.DECLARATION: (
        _("I declare that the information I give is true, and that I am responsible for it."),
        False,
    ),
    ConsentPurpose.PROCESSING: (
        _(
            "I agree that the association processes my name and contact details to study and answer this message."
        ),
        False,
    ),
    ConsentPurpose.CONTACT: (
        _("I agree to be contacted about this message by my preferred channel."),
        False,
    ),
}
COMPLAINT_NAMED_CONSENTS = (
    ConsentPurpose.DECLARATION,
    ConsentPurpose.PROCESSING,
    ConsentPurpose.CONTACT,
)
