"""The rows of a case file: consents, documents, messages, timeline steps, internal notes and the
rating. Each belongs to exactly one case file (a key that is never empty), whatever the kind of
the submission; `CaseFileRow` is what they share."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms.casework import registry
from forms.models.submission import CaseFile, assignee_key, association_key, private_storage


def case_file_key(related_name: str, *, one: bool = False, optional: bool = False):
    """The key of a row to the case file it belongs to."""
    field = models.OneToOneField if one else models.ForeignKey
    return field(
        CaseFile,
        on_delete=models.CASCADE,
        related_name=related_name,
        null=optional,
        blank=optional,
        editable=False,
    )


class CaseFileRowQuerySet(models.QuerySet):
    def of(self, submission):
        """The rows of one submission's case file."""
        return self.filter(case_file_id=submission.case_file_id)


class CaseFileRow(models.Model):
    """The owner mixin: a row names its submission through the submission's case file.
    `owner=` sets it from a submission (`StatusEvent(owner=request, …)`), and
    `Model.objects.of(submission)` reads a submission's rows."""

    objects = CaseFileRowQuerySet.as_manager()

    wagtail_reference_index_ignore = True  # casework, not content (see CaseFile)

    class Meta:
        abstract = True

    @property
    def owner(self):
        """The submission this row belongs to (one query)."""
        if self.case_file_id is None:
            return None
        kind = registry.get(self.case_file.kind)
        return kind.model.objects.filter(case_file_id=self.case_file_id).first() if kind else None

    @owner.setter
    def owner(self, submission) -> None:
        self.case_file_id = submission.case_file_id


class ConsentPurpose(models.TextChoices):
    DECLARATION = "declaration", _("Declaration that the data is true")
    PROCESSING = "processing", _("Processing the request")
    CONTACT = "contact", _("Being contacted about the request")
    FUTURE_PROGRAMMES = "future_programmes", _("Hearing about future programmes")
    CHARTER = "charter", _("Volunteer charter")


class Consent(CaseFileRow):
    """What the applicant agreed to: the exact text and its version, the language and the time."""

    case_file = case_file_key("consents")
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


class Attachment(CaseFileRow):
    case_file = case_file_key("attachments")
    file = models.FileField(storage=private_storage, upload_to="requests/%Y/%m/")
    original_name = models.CharField(max_length=200)
    document = models.CharField(
        _("required document"),
        max_length=200,
        blank=True,
        help_text=_("Which of the required documents this file is, when the applicant said."),
    )
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Notification(CaseFileRow):
    """An outgoing message; kept until it is sent, so a failing mail, SMS or WhatsApp service
    loses nothing. Its state is what staff see on the request's timeline: queued (with the next
    attempt), sent, delivered (when the gateway reports it) or failed (with the reason). Messages
    to staff (assignments, deadline reminders) belong to no case file."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("Email")

    case_file = case_file_key("notifications", optional=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    event = models.CharField(_("event"), max_length=100, blank=True)
    recipient = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    language = models.CharField(max_length=5, blank=True)
    status = models.CharField(
        _("state"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gateway_id = models.CharField(max_length=100, blank=True, db_index=True)
    # A copy sent another way: the SMS of a WhatsApp message that failed, or a resend by staff.
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The inbox flags failed messages of a list's rows: few among millions of messages.
            models.Index(
                fields=["case_file"],
                condition=models.Q(status="failed"),
                name="notification_failed",
            ),
            # The outbox sweep takes the due messages oldest first: the few pending among
            # millions sent.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="notification_due",
            ),
        ]

    def __str__(self):
        return f"{self.channel} #{self.pk} ({self.status})"

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.PENDING


class StaffNotice(models.Model):
    """A notice to one member of staff in the admin (a new assignment, a deadline drawing near):
    references and days only, never an applicant's personal data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_notices"
    )
    site = association_key()  # shown only on its association's host
    text = models.CharField(_("notice"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice to staff")
        verbose_name_plural = _("notices to staff")

    def __str__(self):
        return self.text


class StatusEvent(CaseFileRow):
    """One step of a submission's timeline: who, when, from, to, the internal note, and the
    message to the applicant. `public` steps (the applicant was told) show on the tracking page.
    An assignment is a step that keeps the status and names the new assignee."""

    case_file = case_file_key("events")
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    public = models.BooleanField(_("applicant told"), default=True)
    message = models.TextField(_("message to the applicant"), blank=True)
    note = models.TextField(_("internal note"), blank=True)
    meeting = models.CharField(_("committee meeting"), max_length=100, blank=True)
    assigned_to = assignee_key()
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("timeline step")
        verbose_name_plural = _("timeline steps")

    def __str__(self):
        return f"{self.case_file} → {self.to_status}"

    @property
    def is_assignment(self) -> bool:
        return self.from_status == self.to_status and self.assigned_to_id is not None

    def status_label(self, status: str) -> str:
        kind = registry.get(self.case_file.kind)
        return kind.label_of(status) if kind else status

    def to_label(self) -> str:
        return self.status_label(self.to_status)

    def from_label(self) -> str:
        return self.status_label(self.from_status) if self.from_status else ""


class InternalNote(CaseFileRow):
    """A note for staff only; never shown or sent to the applicant."""

    case_file = case_file_key("notes")
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


class SatisfactionRating(CaseFileRow):
    """The applicant's rating of the service, once per submission, after it is closed."""

    case_file = case_file_key("rating", one=True)
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
        return f"{self.case_file} {self.score}/5"
