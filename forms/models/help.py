"""Help requests (طلبات الدعم) and the types of support they ask for."""

import datetime as dt

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cms.selectors import promised_response_period
from forms.models.submission import ContactChannel, Gender, Submission, association_key


class MaritalStatus(models.TextChoices):
    # Worded for women and men alike (the Arabic names both forms).
    SINGLE = "single", pgettext_lazy("marital status", "Single")
    MARRIED = "married", pgettext_lazy("marital status", "Married")
    DIVORCED = "divorced", pgettext_lazy("marital status", "Divorced")
    WIDOWED = "widowed", pgettext_lazy("marital status", "Widowed")


class SupportType(models.Model):
    """A kind of support, with the documents it needs and the period within which it is answered."""

    site = association_key()
    slug = models.SlugField(_("code"))
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
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="one_support_type_code_per_site")
        ]
        verbose_name = _("type of support")
        verbose_name_plural = _("types of support")

    def __str__(self):
        return self.name

    def validate_constraints(self, exclude=None):
        # The association is not on the form, but a code is unique within it: check it.
        super().validate_constraints(exclude=set(exclude or ()) - {"site"})

    def document_list(self) -> list[str]:
        return [
            line.strip() for line in (self.required_documents or "").splitlines() if line.strip()
        ]

    def period_days(self, policy_period: int | None = None) -> int:
        """This type's period, or else the published policy's (pass it when already known)."""
        return self.response_period_days or policy_period or promised_response_period()


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


def response_due_date(*, days: int, start: dt.date | None = None) -> dt.date:
    return (start or timezone.localdate()) + dt.timedelta(days=days)


class HelpRequest(Submission):
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

    class Meta(Submission.Meta):
        ordering = ["-submitted_at"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        permissions = [
            ("work_helprequest", _("Can work help requests (review, refer, deliver, close)")),
            ("decide_helprequest", _("Can decide referred help requests (research committee)")),
            ("export_helprequest", _("Can export help requests")),
        ]
        indexes = [
            # The association first: every list and count is within one.
            models.Index(
                fields=["site", "status", "response_due"], name="helprequest_site_status_due"
            ),
            models.Index(fields=["site", "assignee", "status"], name="helprequest_site_assignee"),
            models.Index(fields=["site", "-submitted_at", "-id"], name="helprequest_site_newest"),
            # The city filter matches any part of the name in any case (UPPER(city) LIKE): no
            # index finds those rows, but this one makes PostgreSQL keep statistics of the
            # upper-cased names. Without them it takes a city for a handful of rows and sorts
            # every request of the status it filters by instead of reading the newest first.
            models.Index(models.F("site"), Upper("city"), name="helprequest_site_city"),
        ]

    @property
    def due_date(self) -> dt.date:
        return self.response_due
