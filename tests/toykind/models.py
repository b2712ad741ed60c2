"""The model of a toy kind of submission: a question to the association."""

from django.db import models

from forms.models import Submission


class ToyStatus(models.TextChoices):
    ASKED = "asked", "Asked"
    LOOKED_AT = "looked_at", "Looked at"
    ANSWERED = "answered", "Answered"
    DROPPED = "dropped", "Dropped"


class ToyRequest(Submission):
    status = models.CharField(max_length=20, choices=ToyStatus.choices, default=ToyStatus.ASKED)
    full_name = models.CharField(max_length=200)
    national_id = models.CharField(max_length=10, blank=True)
    mobile = models.CharField(max_length=16)
    city = models.CharField(max_length=80, blank=True)
    question = models.TextField()

    class Meta(Submission.Meta):
        verbose_name = "question"
        verbose_name_plural = "questions"
        permissions = [("work_toyrequest", "Can work questions")]
