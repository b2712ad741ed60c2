"""Complaints and suggestions (الشكاوى والمقترحات): what a person tells the association about a
service or a policy, named or anonymous, and the outcome they are told."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from forms.models.help import SupportType
from forms.models.submission import ContactChannel, Submission


class ComplaintNature(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class ComplaintTheme(models.TextChoices):
    """What it is about, for the staff's lists and the public annual report."""

    SERVICE = "service", _("A service or its quality")
    WAITING = "waiting", _("Waiting times and answers")
    STAFF = "staff", _("Dealing with staff")
    POLICY = "policy", _("A policy or a procedure")
    ACCESS = "access", _("Reaching us: channels, website, premises")
    OTHER = "other", _("Something else")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    INFORMATION_NEEDED = "information_needed", _("Waiting for more information")
    REFERRED = "referred", _("Referred to the responsible manager")
    ESCALATED = "escalated", _("Escalated to the board of directors")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn at the sender's request")
    SPAM = "spam", _("Invalid")


class Complaint(Submission):
    """A complaint or a suggestion. An anonymous one holds no name, ID, mobile or email: its
    sender follows it by the reference and the secret link alone."""

    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    nature = models.CharField(_("complaint or suggestion"), max_length=20, choices=ComplaintNature)
    theme = models.CharField(_("theme"), max_length=20, choices=ComplaintTheme)
    support_type = models.ForeignKey(
        SupportType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about the service"),
    )
    policy = models.ForeignKey(
        "cms.PolicyPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about the policy"),
    )
    description = models.TextField(_("what happened or what is suggested"), max_length=3000)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    national_id = models.CharField(
        _("national ID or iqama"), max_length=10, blank=True, db_index=True
    )
    mobile = models.CharField(_("mobile"), max_length=16, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=10, choices=ContactChannel.choices, blank=True
    )
    response_due = models.DateField(_("answer due by"))
    outcome = models.TextField(_("answer given to the sender"), blank=True)
    escalated_at = models.DateTimeField(_("escalated to the board at"), null=True, blank=True)

    class Meta(Submission.Meta):
        ordering = ["-submitted_at"]
        verbose_name = _("complaint or suggestion")
        verbose_name_plural = _("complaints and suggestions")
        permissions = [
            ("work_complaint", _("Can work complaints and suggestions")),
            ("export_complaint", _("Can export complaints and suggestions")),
        ]
        indexes = [
            # The association first: every list and count is within one.
            models.Index(
                fields=["site", "status", "response_due"], name="complaint_site_status_due"
            ),
            models.Index(fields=["site", "-submitted_at", "-id"], name="complaint_site_newest"),
        ]

    @property
    def due_date(self) -> dt.date:
        return self.response_due
