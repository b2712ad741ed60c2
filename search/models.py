"""The database tables of search: the submission index of the database backend and the
bookkeeping every backend shares (which submissions changed since they were indexed, how far a
rebuild got); the site index (documents, postings, vocabulary) and the synonyms staff edit."""

import re

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.associations import current_site, current_site_id


class SubmissionEntry(models.Model):
    """What staff search on for one submission, normalised by search.arabic. Only these fields:
    no dates of birth, incomes, or documents."""

    kind = models.CharField(max_length=10)  # "help" or "volunteer"
    object_id = models.PositiveBigIntegerField()
    # The association (a Wagtail site's id; the index knows no app): every query filters by it,
    # and it leads every index that lists, filters and searches.
    site_id = models.PositiveIntegerField()
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
            models.Index(fields=["site_id", "kind", "status"], name="entry_site_kind_status"),
            models.Index(fields=["site_id", "kind", "-submitted_at"], name="entry_site_newest"),
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


# --- site search: pages, questions and services the public reads --------------------------


class SiteDocument(models.Model):
    """One thing the public can find (a policy, a question, a service page), as the site index
    holds it: what it is and how long each field is. The words are in SitePosting. Which app it
    comes from is only said by its key (`faq:<site>:how-to-apply`, `page:<id>`,
    `service:<site>:volunteer`); which association it belongs to by `site_id`."""

    key = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=20)
    site_id = models.PositiveIntegerField(null=True)  # its association; None: found on none
    # Words per field (stems), for BM25's length normalisation.
    title_length = models.PositiveIntegerField(default=0)
    heading_length = models.PositiveIntegerField(default=0)
    body_length = models.PositiveIntegerField(default=0)
    roots_length = models.PositiveIntegerField(default=0)
    # The first stem of each word in order, one line per field, for phrase and proximity boosts.
    phrases = models.TextField(blank=True)
    # Elasticsearch is configured but missed this document: the next rebuild or catch-up sends it.
    elastic_stale = models.BooleanField(default=False)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["elastic_stale"], name="site_doc_stale"),
            # An association's count and average field lengths (BM25's N and averages) from
            # the index alone.
            models.Index(
                fields=["site_id", "title_length", "heading_length", "body_length", "roots_length"],
                name="site_doc_site_lengths",
            ),
        ]

    def __str__(self):
        return self.key


class SitePosting(models.Model):
    """One term of one document: how often it occurs in each field, and its impact, the
    document's side of its BM25 weight (the fields' saturated frequencies, weighted and summed,
    under its association's average field lengths, SiteIndexStats). A query multiplies it by
    the term's rarity among the association's documents; the index on (site, term, impact)
    hands out a term's best documents first, so a query reads a bounded number of rows
    whatever the size of the corpus."""

    class Field(models.IntegerChoices):
        TITLE = 0  # a policy's title, a question, a service's name
        HEADING = 1  # section headings, a question's category
        BODY = 2  # the text
        ROOTS = 3  # the Arabic roots of all of it: weaker evidence

    document = models.ForeignKey(
        SiteDocument, on_delete=models.CASCADE, related_name="postings", db_index=False
    )
    term = models.CharField(max_length=60)
    title = models.PositiveSmallIntegerField(default=0)  # occurrences in each field
    heading = models.PositiveSmallIntegerField(default=0)
    body = models.PositiveSmallIntegerField(default=0)
    roots = models.PositiveSmallIntegerField(default=0)
    impact = models.FloatField(default=0.0)
    site_id = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "term"], name="one_posting_per_term")
        ]
        # The association first: a query reads its own documents' best postings of a term,
        # whatever the number of associations.
        indexes = [
            models.Index(
                fields=["site_id", "term", "-impact", "document"], name="site_posting_site_impact"
            )
        ]

    def __str__(self):
        return self.term


class SiteTerm(models.Model):
    """How many of an association's documents hold a term (its document frequency, for its
    rarity on that association's site), kept as documents are indexed and removed. Each
    association's own: another's documents never change a term's rarity here. `site_id` 0
    stands for documents of no association."""

    site_id = models.PositiveIntegerField(default=0)
    term = models.CharField(max_length=60)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        # The association first: a query reads its own rarities down this index.
        constraints = [
            models.UniqueConstraint(fields=["site_id", "term"], name="one_site_term_per_site")
        ]

    def __str__(self):
        return f"{self.term} ({self.documents})"


class SiteIndexStats(models.Model):
    """The average length of each field an association's postings' impacts were computed with
    (one row per association; `site_id` 0: documents of no association). They are computed
    again, and every impact of that association with them, when its documents have drifted
    from them: another association's documents never change them."""

    site_id = models.PositiveIntegerField(default=0, unique=True)
    title_length = models.FloatField(default=1.0)
    heading_length = models.FloatField(default=1.0)
    body_length = models.FloatField(default=1.0)
    roots_length = models.FloatField(default=1.0)

    def __str__(self):
        return "site index statistics"


class SiteWord(models.Model):
    """A word an association's documents hold, as people type it (normalised): what "did you
    mean" offers on that association's site (never another's words)."""

    site_id = models.PositiveIntegerField()
    word = models.CharField(max_length=60)
    written = models.CharField(max_length=60)  # as spelt in the text: what a reader is shown
    length = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site_id", "word"], name="one_site_word_per_site")
        ]
        indexes = [models.Index(fields=["site_id", "length"], name="site_word_length")]

    def __str__(self):
        return self.word


class AssociationScopedManager(models.Manager):
    """In a request, the host's association's rows only (every admin view follows the host);
    outside requests, every row (code there passes the site)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        site = current_site()
        return queryset if site is None else queryset.filter(site=site)


class SynonymSet(models.Model):
    """Words that mean the same to one association's readers (دعم، مساعدة، إعانة): a search for
    one also finds the others on its site, on every backend. Edited by its staff in the admin."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        default=current_site_id,
        related_name="+",
        verbose_name=_("association"),
        editable=False,
    )

    words = models.TextField(
        _("words"),
        help_text=_(
            "Single words that mean the same, separated by commas or new lines, in Arabic or "
            "English, e.g. دعم، مساعدة، إعانة"
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    all_sites = models.Manager()  # every association's sets (code given a site)
    objects = AssociationScopedManager()  # the default: the request's host's sets

    class Meta:
        ordering = ["pk"]
        default_manager_name = "objects"
        verbose_name = _("synonyms")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return "، ".join(self.word_list()[:6])

    def word_list(self) -> list[str]:
        return [word.strip() for word in re.split(r"[,،\n;؛]+", self.words) if word.strip()]

    def clean(self):
        entries = self.word_list()
        if len(entries) < 2:
            raise ValidationError({"words": _("Give at least two words that mean the same.")})
        several = [entry for entry in entries if len(entry.split()) > 1]
        if several:
            raise ValidationError(
                {"words": _("Each entry must be a single word: %(entry)s") % {"entry": several[0]}}
            )
