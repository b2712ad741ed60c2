"""Messages to applicants: the staff-edited text if there is one, else the default template;
and the links they carry (the secret tracking link, the rating link)."""

import string

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from forms.casework import registry
from forms.models import MessageTemplate
from portal.core.dates import HijriDate, gregorian_numeric

DEFAULT_TEMPLATES = {
    MessageTemplate.Key.RECEIPT_SMS: "intake/messages/receipt_sms.txt",
    MessageTemplate.Key.RECEIPT_EMAIL_SUBJECT: "intake/messages/receipt_subject.txt",
    MessageTemplate.Key.RECEIPT_EMAIL: "intake/messages/receipt_email.txt",
    MessageTemplate.Key.INFORMATION_NEEDED_SMS: "intake/messages/information_needed_sms.txt",
    MessageTemplate.Key.VOLUNTEER_RECEIPT_SMS: "intake/messages/volunteer_receipt_sms.txt",
    MessageTemplate.Key.STATUS_CHANGED_SMS: "intake/messages/status_changed_sms.txt",
    MessageTemplate.Key.ACCEPTED_SMS: "intake/messages/accepted_sms.txt",
    MessageTemplate.Key.REJECTED_SMS: "intake/messages/rejected_sms.txt",
    MessageTemplate.Key.RATING_REQUEST_SMS: "intake/messages/rating_request_sms.txt",
    MessageTemplate.Key.VOLUNTEER_STATUS_SMS: "intake/messages/volunteer_status_sms.txt",
}


def default_template(key: str) -> str:
    """The default text of message `key`: listed above, else `intake/messages/<key>.txt`, so a
    kind that adds a message key brings its template without a line here."""
    return DEFAULT_TEMPLATES.get(key, f"intake/messages/{key}.txt")


class _SafeFormatter(string.Formatter):
    """Unknown placeholders stay as typed instead of failing the message."""

    def get_value(self, key, args, kwargs):
        return kwargs.get(key, "{" + str(key) + "}")

    def format_field(self, value, format_spec):
        return super().format_field(value, "")


def tracking_url(submission) -> str:
    """The applicant's secret link to the tracking page of their submission."""
    kind = registry.of(submission)
    return (
        f"{settings.SITE_BASE_URL}/{submission.language}/track/{kind.slug}/"
        f"{submission.reference}/{submission.tracking_key}/"
    )


def rating_url(submission) -> str:
    return tracking_url(submission) + "rate/"


def render_message(key: str, submission, **extra) -> str:
    """The message `key` for this submission, in the applicant's language. `extra` fills
    {status}, {reason} and {rating_url}; lazy values are translated in that language."""
    language = submission.language
    due = submission.due_date
    support_type = getattr(submission, "support_type", None)
    link = tracking_url(submission)
    with translation.override(language):
        extra = {name: str(value) for name, value in extra.items()}
        template = MessageTemplate.objects.filter(key=key).first()
        if template is not None and (getattr(template, f"body_{language}", "") or "").strip():
            values = {
                "reference": submission.reference,
                "name": getattr(submission, "full_name", ""),
                "type": support_type.name if support_type else "",
                "due_date": gregorian_numeric(due) if due else "",
                "due_date_hijri": HijriDate.from_gregorian(due).numeric() if due else "",
                "tracking_url": link,
                **extra,
            }
            return _SafeFormatter().format(getattr(template, f"body_{language}"), **values).strip()
        context = {"request": submission, "application": submission, "tracking_url": link, **extra}
        return render_to_string(default_template(key), context).strip()
