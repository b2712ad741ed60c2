"""Forms saved as the applicant goes (server-side drafts), encrypted at rest and expiring."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms.models.submission import association_key


class FormDraft(models.Model):
    """What an applicant has typed so far into a public form of one kind. The answers are
    encrypted (forms.casework.drafts); the row is found by a hash of the secret the applicant
    holds (a cookie, or the link sent by SMS), never by anything about the person."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, editable=False)
    site = association_key()  # a draft is resumed only on its association's host
    step = models.PositiveSmallIntegerField(default=1)
    reached = models.PositiveSmallIntegerField(default=1)
    payload = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    links_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")

    def __str__(self):
        return f"{self.kind} draft #{self.pk}"
