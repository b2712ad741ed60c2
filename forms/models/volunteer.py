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


class Interest(models.TextChoices):
    EDUCATION = "education", _("Education and tutoring")
    HEALTH = "health", _("Health and care")
    ELDERLY = "elderly", _("Caring for elderly people")
    CHILDREN = "children", _("Children and youth")
    FOOD = "food", _("Food baskets and distribution")
    EVENTS = "events", _("Events and campaigns")
    OFFICE = "office", _("Office work and administration")
    OTHER = "other", _("Other")


class Skill(models.TextChoices):
    TEACHING = "teaching", _("Teaching and training")
    MEDICAL = "medical", _("Medical or nursing")
    DESIGN = "design", _("Design and photography")
    MEDIA = "media", _("Writing and social media")
    TECHNOLOGY = "technology", _("Computers and technology")
    DRIVING = "driving", _("Driving and delivery")
    ACCOUNTING = "accounting", _("Accounting and finance")
    TRANSLATION = "translation", _("Translation")
    ORGANISING = "organising", _("Organising events")
    OTHER = "other", _("Other")


class Availability(models.TextChoices):
    WEEKDAY_MORNINGS = "weekday_mornings", _("Weekday mornings")
    WEEKDAY_EVENINGS = "weekday_evenings", _("Weekday evenings")
    WEEKENDS = "weekends", _("Weekends")
    RAMADAN = "ramadan", _("During Ramadan")
    REMOTE = "remote", _("Remotely, from home")
    OTHER = "other", _("Other")


# The structured answers of a volunteer application: stored as their codes ("education,
# health"), with the applicant's own words for "other" beside them.
VOLUNTEER_CHOICES = {"interests": Interest, "skills": Skill, "availability": Availability}


def choice_labels(choices: type[models.TextChoices], stored: str, other: str = "") -> str:
    """The codes of a stored answer as their labels, "other" as the applicant's words."""
    labels = dict(choices.choices)
    words = []
    for code in filter(None, (part.strip() for part in (stored or "").split(","))):
        if code == "other":
            words.append(f"{labels['other']}: {other}" if other else str(labels["other"]))
        else:
            words.append(str(labels.get(code, code)))
    return "، ".join(words)


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
    skills_other = models.CharField(_("other skills"), max_length=200, blank=True)
    interests = models.CharField(_("fields of interest"), max_length=300)
    interests_other = models.CharField(_("other fields of interest"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    availability = models.CharField(_("availability (days and times)"), max_length=300)
    availability_other = models.CharField(_("other availability"), max_length=200, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    experience = models.TextField(_("prior experience"), max_length=2000, blank=True)
    platform_account = models.CharField(
        _("national volunteering platform account"), max_length=40, blank=True
    )
    charter_accepted = models.BooleanField(_("accepted the volunteer charter"), default=False)

    class Meta(Submission.Meta):
        ordering = ["-submitted_at"]
        verbose_name = _("volunteer application")
        verbose_name_plural = _("volunteer applications")
        permissions = [
            ("work_volunteerapplication", _("Can work volunteer applications")),
            ("export_volunteerapplication", _("Can export volunteer applications")),
        ]
        # The association first: every list and count is within one.
        indexes = [
            models.Index(fields=["site", "-submitted_at", "-id"], name="volunteer_site_newest")
        ]

    def get_interests_display(self) -> str:
        return choice_labels(Interest, self.interests, self.interests_other)

    def get_skills_display(self) -> str:
        return choice_labels(Skill, self.skills, self.skills_other)

    def get_availability_display(self) -> str:
        return choice_labels(Availability, self.availability, self.availability_other)
