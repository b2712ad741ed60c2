"""A policy document read by the importer, reviewed by an editor, and the approval it states.

The document's lines are kept with the place the recogniser (or the editor) gave each one, so
the preview can be changed and assembled again. The board approval the document states is a
proposal: it is recorded, and the revision published, only when a board secretary confirms it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyImport(models.Model):
    class Status(models.TextChoices):
        READ = "read", _("Read, waiting for review")
        CREATED = "created", _("Draft created")

    class ApprovalStatus(models.TextChoices):
        NONE = "none", _("No approval in the document")
        PENDING = "pending", _("Waiting for the board secretary")
        CONFIRMED = "confirmed", _("Confirmed by the board secretary")
        DISMISSED = "dismissed", _("Dismissed by the board secretary")

    file_name = models.CharField(_("file name"), max_length=255)
    file_kind = models.CharField(_("kind of file"), max_length=10)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    lines = models.JSONField(_("lines"), default=list)
    outline = models.JSONField(_("sections"), default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READ)
    policy = models.ForeignKey(
        "cms.PolicyPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("policy"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision"),
    )
    approval = models.JSONField(_("approval stated in the document"), null=True, blank=True)
    approval_status = models.CharField(
        _("approval"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.NONE
    )
    approval_record = models.ForeignKey(
        "cms.BoardApproval",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded approval"),
    )
    approval_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approval_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("imported policy document")
        verbose_name_plural = _("imported policy documents")

    def __str__(self):
        return self.file_name
