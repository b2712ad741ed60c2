"""What every kind of submission shares: its case file, reference, channel, secret tracking link,
language, assignee and the dates of its procedure."""

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

from forms.casework import registry
from portal.core.associations import current_site_id


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


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ContactChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


def assignee_key():
    """The member of staff a submission (or a step of its timeline) was given to."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )


def association_key():
    """The association (a Wagtail site) a row belongs to: the request's host when it is made in a
    request, else the one the work names (portal.core.associations.association), else the
    default association. An association with rows is never deleted by accident."""
    return models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.PROTECT,
        related_name="+",
        default=current_site_id,
        editable=False,
        verbose_name=_("association"),
    )


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


class CaseFile(models.Model):
    """The file every row about one submission belongs to — its timeline, notes, consents,
    documents, messages and rating — whatever the kind of the submission. Rows point here, so a
    kind added later (in this app or another) gets all of them without a new column."""

    kind = models.CharField(_("kind"), max_length=30, editable=False)
    site = association_key()

    # Personal casework, not content: Wagtail's reference index ("usage") has nothing to learn
    # from it, and indexing would queue a task for every filing and every step.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class Submission(models.Model):
    """The abstract base of every kind of submission. Each kind adds its own `status` field
    (its choices are the kind's statuses) and the fields of its form."""

    case_file = models.OneToOneField(
        CaseFile, on_delete=models.CASCADE, related_name="%(class)s", editable=False
    )
    # Every list and search of submissions filters by it first (the kinds' indexes lead with it).
    site = association_key()
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEBSITE
    )
    language = models.CharField(_("applicant's language"), max_length=5, default="ar")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    tracking_salt = models.CharField(max_length=32, editable=False)
    # A retry's key: unique within the association (Meta), so two associations never collide.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    assignee = assignee_key()
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    wagtail_reference_index_ignore = True  # casework, not content (see CaseFile)

    class Meta:
        # Every kind's Meta extends this one (`class Meta(Submission.Meta)`): the registry
        # refuses a kind whose model lacks the constraint.
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["site", "idempotency_key"],
                name="%(app_label)s_%(class)s_idempotency_per_site",
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def kind(self):
        """The declared kind of this submission (forms.casework.kinds)."""
        return registry.of(self)

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

    # -- the procedure --

    @property
    def is_open(self) -> bool:
        return self.status in self.kind.open

    @property
    def due_date(self) -> dt.date | None:
        """The date the applicant was promised an answer by; kinds that promise one say so."""
        return None

    def days_left(self, today: dt.date | None = None) -> int | None:
        """Days until the answer is due while the submission waits for a decision, else None."""
        if self.due_date is None or not self.is_open:
            return None
        return (self.due_date - (today or timezone.localdate())).days

    # -- the rows of its case file --

    @property
    def events(self):
        return self.case_file.events

    @property
    def notes(self):
        return self.case_file.notes

    @property
    def consents(self):
        return self.case_file.consents

    @property
    def attachments(self):
        return self.case_file.attachments

    @property
    def notifications(self):
        return self.case_file.notifications

    @property
    def rating(self):
        """The applicant's rating of the service, or None."""
        return getattr(self.case_file, "rating", None)

    @cached_property
    def public_events(self):
        return [event for event in self.events.all() if event.public]
