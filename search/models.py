"""The database backend's submission index, and the bookkeeping every backend shares: which
submissions changed since they were indexed, and how far a rebuild got."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class SubmissionEntry(models.Model):
    """What staff search on for one submission, normalised by search.arabic. Only these fields:
    no dates of birth, incomes, or documents."""

    kind = models.CharField(max_length=10)  # "help" or "volunteer"
    object_id = models.PositiveBigIntegerField()
    reference = models.CharField(max_length=20, db_index=True)
    national_id = models.CharField(max_length=10, db_index=True, blank=True)
    phone = models.CharField(max_length=16, db_index=True, blank=True)  # local digits: 5XXXXXXXX
    name = models.CharField(max_length=300, blank=True)  # normalised, عبد joined to the next word
    text = models.TextField(blank=True)  # stems of the name, place and description
    status = models.CharField(max_length=30)
    support_type_id = models.PositiveIntegerField(null=True)
    channel = models.CharField(max_length=20)
    city = models.CharField(max_length=80, blank=True)
    assignee_id = models.PositiveIntegerField(null=True)
    submitted_at = models.DateTimeField()
    # PostgreSQL only: `text` under the `arabic` text-search configuration (GIN-indexed).
    search_vector = SearchVectorField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_entry_per_submission")
        ]
        indexes = [
            models.Index(fields=["kind", "status"], name="entry_kind_status"),
            models.Index(fields=["kind", "-submitted_at"], name="entry_kind_newest"),
        ]

    def __str__(self):
        return self.reference


class SearchPending(models.Model):
    """A submission changed and its index entry is not yet up to date. Written in the same
    transaction as the change, so nothing is lost when the search backend is down; removed once
    indexed. The oldest `since` is the index's lag."""

    kind = models.CharField(max_length=10)
    object_id = models.PositiveBigIntegerField()
    since = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_pending_per_submission")
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"


class IndexRebuild(models.Model):
    """Progress of `rebuild_submission_index`, so an interrupted rebuild can resume."""

    backend = models.CharField(max_length=40)
    target = models.CharField(max_length=120, blank=True)  # Elasticsearch: the new index names
    kind = models.CharField(max_length=10)
    last_object_id = models.PositiveBigIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.backend} {self.kind} {self.done}/{self.total}"
