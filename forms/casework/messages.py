"""Messages to applicants, written once for every kind: which events speak (the kinds declare
their table, see `SubmissionKind`), the text (the staff-edited one if there is one, else the
default template), the links they carry (built from SITE_BASE_URL), the ways they go (the
applicant's preferred channel, with email as a second copy when given) and the multipart email
(plain text and HTML, right to left in Arabic, with the association's name and logo).

| event (message key)        | when                                    | help | volunteer |
|----------------------------|-----------------------------------------|------|-----------|
| receipt_sms (+ email)      | filed                                   | yes  | volunteer_receipt_sms |
| information_needed_sms     | staff ask for information (the question)| yes  | —         |
| accepted_sms, rejected_sms | the committee decides (with its reason) | yes  | volunteer_status_sms  |
| delivered_sms              | the service was delivered               | yes  | —         |
| rating_request_sms         | closed: the rating invitation           | yes  | —         |
| deadline_extended_sms      | staff extend the answer date            | yes  | —         |
| volunteer_status_sms       | interview, accepted, declined, active,  | —    | yes       |
|                            | ended, withdrawn                        |      |           |
| (staff's own words)        | any step where staff write a message    | yes  | yes       |

Steps that do not concern the applicant (a kind's `quiet` statuses: under review, referred,
screening) send nothing unless staff write to them; messages of quick successive steps are held
MESSAGE_MERGE_SECONDS and reach the applicant as one (forms.notifications)."""

import string
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from forms import whatsapp
from forms.casework import registry
from forms.models import MessageTemplate, Notification
from portal.core.associations import default_site
from portal.core.dates import HijriDate, gregorian_numeric
from portal.core.public_memory import ProcessMemory, public_token

DEFAULT_TEMPLATES = {
    MessageTemplate.Key.RECEIPT_SMS: "intake/messages/receipt_sms.txt",
    MessageTemplate.Key.RECEIPT_EMAIL_SUBJECT: "intake/messages/receipt_subject.txt",
    MessageTemplate.Key.RECEIPT_EMAIL: "intake/messages/receipt_email.txt",
    MessageTemplate.Key.INFORMATION_NEEDED_SMS: "intake/messages/information_needed_sms.txt",
    MessageTemplate.Key.VOLUNTEER_RECEIPT_SMS: "intake/messages/volunteer_receipt_sms.txt",
    MessageTemplate.Key.STATUS_CHANGED_SMS: "intake/messages/status_changed_sms.txt",
    MessageTemplate.Key.ACCEPTED_SMS: "intake/messages/accepted_sms.txt",
    MessageTemplate.Key.REJECTED_SMS: "intake/messages/rejected_sms.txt",
    MessageTemplate.Key.DELIVERED_SMS: "intake/messages/delivered_sms.txt",
    MessageTemplate.Key.RATING_REQUEST_SMS: "intake/messages/rating_request_sms.txt",
    MessageTemplate.Key.DEADLINE_EXTENDED_SMS: "intake/messages/deadline_extended_sms.txt",
    MessageTemplate.Key.MESSAGE_EMAIL_SUBJECT: "intake/messages/message_subject.txt",
    MessageTemplate.Key.VOLUNTEER_STATUS_SMS: "intake/messages/volunteer_status_sms.txt",
}
STAFF_MESSAGE = "staff_message"  # the event of a message staff wrote themselves
LOGO_CID = "association-logo"


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


def site_url(path: str, site=None) -> str:
    """An absolute link into an association's site: the default association's from
    SITE_BASE_URL (which `make run` sets from the host and port it serves), another's from its
    own host."""
    base = settings.SITE_BASE_URL if site is None or site.is_default_site else site.root_url
    return base.rstrip("/") + "/" + path.lstrip("/")


def tracking_url(submission) -> str:
    """The applicant's secret link to the tracking page of their submission."""
    kind = registry.of(submission)
    return site_url(
        f"{submission.language}/track/{kind.slug}/{submission.reference}/{submission.tracking_key}/",
        submission.site,
    )


def rating_url(submission) -> str:
    return tracking_url(submission) + "rate/"


_templates = ProcessMemory(64)


def message_template(key: str, site_id: int) -> MessageTemplate | None:
    """Association `site_id`'s wording of message `key`, if any: read once per process, and
    again after any template is edited (it renews the public token, forms.apps)."""
    token = public_token()
    found = _templates.get(token, (site_id, key))
    if found is None:
        found = (MessageTemplate.objects.filter(site_id=site_id, key=key).first(),)
        _templates.set(token, (site_id, key), found)
    return found[0]


def render_message(key: str, submission, **extra) -> str:
    """The message `key` for this submission, in the applicant's language. `extra` fills
    {status}, {reason}, {due_date} and the like; lazy values are translated in that language."""
    language = submission.language
    due = submission.due_date
    support_type = getattr(submission, "support_type", None)
    link = tracking_url(submission)
    with translation.override(language):
        extra = {name: str(value) for name, value in extra.items()}
        extra.setdefault("rating_url", rating_url(submission))
        template = message_template(key, submission.site_id)
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


def applicant_contacts(submission) -> list[tuple[str, str]]:
    """(channel, address) the applicant's messages go to: the way they asked first (WhatsApp,
    SMS — also for those who asked for a call, and for WhatsApp where the site has none — or
    email), then an email copy when they gave an address. A kind without a preference field gets
    SMS and the email copy."""
    mobile = getattr(submission, "mobile", "") or ""
    email = getattr(submission, "email", "") or ""
    preferred = getattr(submission, "preferred_contact", "") or Notification.Channel.SMS
    contacts = []
    if preferred == Notification.Channel.EMAIL and email:
        contacts.append((Notification.Channel.EMAIL, email))
    elif mobile:
        channel = (
            Notification.Channel.WHATSAPP
            if preferred == Notification.Channel.WHATSAPP and whatsapp.get_backend().available
            else Notification.Channel.SMS
        )
        contacts.append((channel, mobile))
    if email and (Notification.Channel.EMAIL, email) not in contacts:
        contacts.append((Notification.Channel.EMAIL, email))
    return contacts


def applicant_message(
    submission,
    *,
    event: str,
    body: str,
    email_subject: str | Callable[[], str] = "",
    email_body: str | Callable[[], str] = "",
) -> list[Notification]:
    """One message to the applicant on each of their channels (not yet saved). The email copy
    takes `email_subject`/`email_body` when the event has its own, else the same text under the
    standard subject. They may be given as functions that render them: only an applicant who
    gets an email has them rendered."""
    contacts = applicant_contacts(submission)
    if any(channel == Notification.Channel.EMAIL for channel, _address in contacts):
        email_subject = email_subject() if callable(email_subject) else email_subject
        email_body = email_body() if callable(email_body) else email_body
        if not email_subject:
            email_subject = render_message(MessageTemplate.Key.MESSAGE_EMAIL_SUBJECT, submission)
    return [
        Notification(
            channel=channel,
            event=event,
            recipient=address,
            subject=email_subject[:200] if channel == Notification.Channel.EMAIL else "",
            body=(email_body or body) if channel == Notification.Channel.EMAIL else body,
            language=submission.language,
            case_file=submission.case_file,
        )
        for channel, address in contacts
    ]


def association_profile(site=None):
    """The association that sends the messages: `site`'s profile (else the default site's)."""
    from cms.models import AssociationProfile  # the content app loads after the intake app

    site = site or default_site()
    return AssociationProfile.for_site(site) if site else None


def association_logo(site=None) -> tuple[bytes, str] | None:
    """The association's logo for emails (PNG bytes, a small rendition), or None."""
    profile = association_profile(site)
    if profile is None or profile.logo is None:
        return None
    try:
        rendition = profile.logo.get_rendition("max-240x80|format-png")
        with rendition.file.open("rb") as handle:
            return handle.read(), "png"
    except Exception:  # noqa: BLE001 - a missing image file never stops a message
        return None


def _segments(paragraph: str) -> list[tuple[str, str]]:
    """A paragraph as ("text" | "link" | "break", value) parts: links are set left to right on
    their own, so an Arabic sentence does not scramble them."""
    parts: list[tuple[str, str]] = []
    for number, line in enumerate(paragraph.splitlines()):
        if number:
            parts.append(("break", ""))
        text = []
        for word in line.split(" "):
            if word.startswith(("https://", "http://")):
                if text:
                    parts.append(("text", " ".join(text) + " "))
                    text = []
                parts.append(("link", word))
            else:
                text.append(word)
        if text:
            parts.append(
                ("text", (" " if parts and parts[-1][0] == "link" else "") + " ".join(text))
            )
    return parts


def email_html(*, subject: str, body: str, language: str, has_logo: bool, site=None) -> str:
    """The HTML part of an applicant's email: the text as paragraphs with live links, under the
    association's name (and logo), right to left in Arabic."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        profile = association_profile(site)
        return render_to_string(
            "intake/messages/email.html",
            {
                "subject": subject,
                "paragraphs": [
                    _segments(part.strip()) for part in body.split("\n\n") if part.strip()
                ],
                "language": language,
                "direction": "rtl" if translation.get_language_bidi() else "ltr",
                "association": (profile.name if profile else "") or _("Sila"),
                "logo_cid": LOGO_CID if has_logo else "",
                "site_url": site_url(f"{language}/", site),
            },
        )
