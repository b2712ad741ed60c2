"""Volunteer applications (طلبات التطوع)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from forms.models.submission import Gender, Submission


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


class VolunteerApplication(Submission):
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
