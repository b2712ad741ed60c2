"""Help requests and volunteer applications, their attachments, consents and timelines."""

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


def private_storage():
    """media/private: applicants' files, never served by URL; downloads go through a view."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    PHONE = "phone", _("Phone call")
    INTERVIEW = "interview", _("Interview")
    LETTER = "letter", _("Letter")
    SOCIAL_MEDIA = "social_media", _("Social media")
    BRANCH_DELEGATE = "branch_delegate", _("Branch office delegate")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review and verification")
    INFORMATION_NEEDED = "information_needed", _("Waiting for more information")
    REFERRED = "referred", _("Referred to the research committee")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DELIVERED = "delivered", _("Service delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn at the beneficiary's request")
    SPAM = "spam", _("Invalid")


OPEN_REQUEST_STATUSES = (
    RequestStatus.RECEIVED,
    RequestStatus.UNDER_REVIEW,
    RequestStatus.INFORMATION_NEEDED,
    RequestStatus.REFERRED,
)
DECIDED_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.REJECTED)


class VolunteerStatus(models.TextChoices):
    NEW = "new", _("New")
    SCREENING = "screening", _("Screening")
    INTERVIEW = "interview", _("Interview")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ACTIVE = "active", _("Active volunteer")
    ENDED = "ended", _("Volunteering ended")
    WITHDRAWN = "withdrawn", _("Withdrawn at the applicant's request")
    SPAM = "spam", _("Invalid")


OPEN_VOLUNTEER_STATUSES = (
    VolunteerStatus.NEW,
    VolunteerStatus.SCREENING,
    VolunteerStatus.INTERVIEW,
)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class ContactChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


class SupportType(models.Model):
    """A kind of support, with the documents it needs and the period within which it is answered."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    required_documents = models.TextField(
        _("required documents"), blank=True, help_text=_("One per line.")
    )
    response_period_days = models.PositiveSmallIntegerField(
        _("response period (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to use the period promised by the published beneficiary-relations policy."
        ),
    )
    active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("type of support")
        verbose_name_plural = _("types of support")

    def __str__(self):
        return self.name

    def document_list(self) -> list[str]:
        return [
            line.strip() for line in (self.required_documents or "").splitlines() if line.strip()
        ]

    def period_days(self, policy_period: int | None = None) -> int:
        """This type's period, or else the published policy's (pass it when already known)."""
        return self.response_period_days or policy_period or policy_response_period()


def policy_response_period() -> int:
    """The period the live beneficiary-relations policy promises, or 14 days."""
    from cms.models import PolicyPage

    policy = (
        PolicyPage.objects.live()
        .filter(category="beneficiary-relations", response_period_days__isnull=False)
        .only("response_period_days")
        .first()
    )
    return policy.response_period_days if policy else 14


class ReferenceCounter(models.Model):
    """The last number handed out per prefix and year (HR-2026-000123)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_prefix_year")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class TrackedSubmission(models.Model):
    """What help requests and volunteer applications share: reference, channel, tracking, language."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEBSITE
    )
    language = models.CharField(_("applicant's language"), max_length=5, default="ar")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    tracking_salt = models.CharField(max_length=32, editable=False)
    idempotency_key = models.CharField(
        max_length=100, null=True, blank=True, unique=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.reference

    @property
    def tracking_key(self) -> str:
        """The secret in the applicant's tracking link: derived from a random salt and the site's
        secret key, so it is never stored and a retried submission can be given it again."""
        digest = hmac.new(
            settings.SECRET_KEY.encode(),
            f"{self.reference}:{self.tracking_salt}".encode(),
            hashlib.sha256,
        ).digest()
        return base64.urlsafe_b64encode(digest)[:32].decode()

    def tracking_key_matches(self, key: str) -> bool:
        return secrets.compare_digest((key or "").encode(), self.tracking_key.encode())


class HelpRequest(TrackedSubmission):
    support_type = models.ForeignKey(
        SupportType, on_delete=models.PROTECT, verbose_name=_("type of support")
    )
    status = models.CharField(
        _("status"), max_length=30, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    response_due = models.DateField(_("answer due by"))
    committee_meeting = models.CharField(_("committee meeting"), max_length=100, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    full_name = models.CharField(_("full name"), max_length=200)
    national_id = models.CharField(_("national ID or iqama"), max_length=10, db_index=True)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    nationality = models.CharField(_("nationality"), max_length=80)
    marital_status = models.CharField(
        _("marital status"), max_length=20, choices=MaritalStatus.choices
    )
    family_size = models.PositiveSmallIntegerField(_("family members"))
    dependants = models.PositiveSmallIntegerField(_("dependants"))
    monthly_income = models.DecimalField(_("monthly income (SAR)"), max_digits=10, decimal_places=2)
    income_sources = models.CharField(_("sources of income"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=80)
    district = models.CharField(_("district"), max_length=80)
    mobile = models.CharField(_("mobile"), max_length=16, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.SMS,
    )
    description = models.TextField(_("description of the need"), max_length=3000)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        permissions = [
            ("work_helprequest", _("Can work help requests (review, refer, deliver, close)")),
            ("decide_helprequest", _("Can decide referred help requests (research committee)")),
            ("export_helprequest", _("Can export help requests")),
        ]
        indexes = [
            models.Index(fields=["status", "response_due"], name="helprequest_status_due"),
            models.Index(fields=["assignee", "status"], name="helprequest_assignee_status"),
            models.Index(fields=["-submitted_at", "-id"], name="helprequest_newest"),
        ]

    @cached_property
    def public_events(self):
        return [event for event in self.events.all() if event.public]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def days_left(self, today: dt.date | None = None) -> int | None:
        """Days until the answer is due while the request waits for a decision, else None."""
        if not self.is_open:
            return None
        return (self.response_due - (today or timezone.localdate())).days


class VolunteerApplication(TrackedSubmission):
    status = models.CharField(
        _("status"), max_length=20, choices=VolunteerStatus.choices, default=VolunteerStatus.NEW
    )
    full_name = models.CharField(_("full name"), max_length=200)
    national_id = models.CharField(_("national ID or iqama"), max_length=10, db_index=True)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    city = models.CharField(_("city"), max_length=80)
    mobile = models.CharField(_("mobile"), max_length=16)
    email = models.EmailField(_("email"))
    education = models.CharField(_("education"), max_length=200)
    skills = models.TextField(_("skills"), max_length=1000)
    interests = models.CharField(_("fields of interest"), max_length=300)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    availability = models.CharField(_("availability (days and times)"), max_length=300)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    experience = models.TextField(_("prior experience"), max_length=2000, blank=True)
    platform_account = models.CharField(
        _("national volunteering platform account"), max_length=40, blank=True
    )
    charter_accepted = models.BooleanField(_("accepted the volunteer charter"), default=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("volunteer application")
        verbose_name_plural = _("volunteer applications")
        permissions = [
            ("work_volunteerapplication", _("Can work volunteer applications")),
            ("export_volunteerapplication", _("Can export volunteer applications")),
        ]
        indexes = [models.Index(fields=["-submitted_at", "-id"], name="volunteer_newest")]

    @cached_property
    def public_events(self):
        return [event for event in self.events.all() if event.public]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_VOLUNTEER_STATUSES


class ConsentPurpose(models.TextChoices):
    DECLARATION = "declaration", _("Declaration that the data is true")
    PROCESSING = "processing", _("Processing the request")
    CONTACT = "contact", _("Being contacted about the request")
    FUTURE_PROGRAMMES = "future_programmes", _("Hearing about future programmes")
    CHARTER = "charter", _("Volunteer charter")


class Consent(models.Model):
    """What the applicant agreed to: the exact text and its version, the language and the time."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, null=True, related_name="consents"
    )
    volunteer_application = models.ForeignKey(
        VolunteerApplication, on_delete=models.CASCADE, null=True, related_name="consents"
    )
    purpose = models.CharField(max_length=30, choices=ConsentPurpose.choices)
    text_version = models.CharField(max_length=20)
    text = models.TextField()
    language = models.CharField(max_length=5)
    given = models.BooleanField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.purpose} {self.text_version} ({self.language})"


class Attachment(models.Model):
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(storage=private_storage, upload_to="requests/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Notification(models.Model):
    """An outgoing message; kept until it is sent, so a failing mail or SMS service loses nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")

    channel = models.CharField(max_length=10, choices=[("email", "email"), ("sms", "sms")])
    recipient = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, null=True, related_name="notifications"
    )
    volunteer_application = models.ForeignKey(
        VolunteerApplication, on_delete=models.CASCADE, null=True, related_name="notifications"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return f"{self.channel} #{self.pk} ({self.status})"


class StatusEvent(models.Model):
    """One step of a submission's timeline: who, when, from, to, the internal note, and the
    message to the applicant. `public` steps (the applicant was told) show on the tracking page.
    An assignment is a step that keeps the status and names the new assignee."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, null=True, related_name="events"
    )
    volunteer_application = models.ForeignKey(
        VolunteerApplication, on_delete=models.CASCADE, null=True, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    public = models.BooleanField(_("applicant told"), default=True)
    message = models.TextField(_("message to the applicant"), blank=True)
    note = models.TextField(_("internal note"), blank=True)
    meeting = models.CharField(_("committee meeting"), max_length=100, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("timeline step")
        verbose_name_plural = _("timeline steps")

    def __str__(self):
        return f"{self.help_request or self.volunteer_application} → {self.to_status}"

    @property
    def is_assignment(self) -> bool:
        return self.from_status == self.to_status and self.assigned_to_id is not None

    def status_label(self, status: str) -> str:
        choices = RequestStatus if self.help_request_id else VolunteerStatus
        return dict(choices.choices).get(status, status)

    def to_label(self) -> str:
        return self.status_label(self.to_status)

    def from_label(self) -> str:
        return self.status_label(self.from_status) if self.from_status else ""


class InternalNote(models.Model):
    """A note for staff only; never shown or sent to the applicant."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, null=True, related_name="notes"
    )
    volunteer_application = models.ForeignKey(
        VolunteerApplication, on_delete=models.CASCADE, null=True, related_name="notes"
    )
    text = models.TextField(_("note"), max_length=3000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self):
        return f"{self.author} {self.created_at:%Y-%m-%d}"


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class SatisfactionRating(models.Model):
    """The applicant's rating of the service, once per request, after it is closed."""

    help_request = models.OneToOneField(
        HelpRequest, on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("overall satisfaction"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    courteous = models.CharField(
        _("Were you received with courtesy?"), max_length=3, choices=YesNo.choices
    )
    on_time = models.CharField(
        _("Were you answered within the promised period?"), max_length=3, choices=YesNo.choices
    )
    clear = models.CharField(
        _("Were the steps and the decision explained clearly?"),
        max_length=3,
        choices=YesNo.choices,
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    language = models.CharField(max_length=5)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")

    def __str__(self):
        return f"{self.help_request} {self.score}/5"


def response_due_date(*, days: int, start: dt.date | None = None) -> dt.date:
    return (start or timezone.localdate()) + dt.timedelta(days=days)


class MessageTemplate(models.Model):
    """A message to applicants, editable by staff in both languages. Placeholders in braces:
    {reference}, {name}, {type}, {due_date}, {due_date_hijri}, {tracking_url}, {status},
    {reason}, {rating_url}."""

    class Key(models.TextChoices):
        RECEIPT_SMS = "receipt_sms", _("Receipt of a help request (SMS)")
        RECEIPT_EMAIL_SUBJECT = (
            "receipt_email_subject",
            _("Receipt of a help request (email subject)"),
        )
        RECEIPT_EMAIL = "receipt_email", _("Receipt of a help request (email)")
        INFORMATION_NEEDED_SMS = "information_needed_sms", _("More information needed (SMS)")
        VOLUNTEER_RECEIPT_SMS = (
            "volunteer_receipt_sms",
            _("Receipt of a volunteer application (SMS)"),
        )
        STATUS_CHANGED_SMS = "status_changed_sms", _("A help request's status changed (SMS)")
        ACCEPTED_SMS = "accepted_sms", _("A help request was accepted (SMS)")
        REJECTED_SMS = "rejected_sms", _("A help request was rejected (SMS)")
        RATING_REQUEST_SMS = "rating_request_sms", _("Asking to rate the service (SMS)")
        VOLUNTEER_STATUS_SMS = (
            "volunteer_status_sms",
            _("A volunteer application's status changed (SMS)"),
        )

    key = models.CharField(_("message"), max_length=40, choices=Key.choices, unique=True)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {reference}, {name}, {type}, {due_date}, {due_date_hijri}, "
            "{tracking_url}, {status}, {reason}, {rating_url}."
        ),
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("message to applicants")
        verbose_name_plural = _("messages to applicants")

    def __str__(self):
        return self.get_key_display()
