"""Models of the portal itself: the record of the periodic work the task workers run, which
association and role each role group is for, and which collection holds each association's
images and documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """When a periodic task (settings.PERIODIC_TASKS) was last queued and is next due. One row
    per entry, locked by the worker that queues it, so it runs once across all workers."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run"))

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self):
        return self.name


class RoleGroup(models.Model):
    """Which association and which role a group is for. A group without one is platform-wide
    (such as the platform administrators'); a group with one counts only on its association's
    host (portal.accounts.associations.SiteRoleBackend)."""

    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="association_role"
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="role_groups",
        verbose_name=_("association"),
    )
    role = models.CharField(_("role"), max_length=40)

    class Meta:
        verbose_name = _("association role")
        verbose_name_plural = _("association roles")
        constraints = [
            models.UniqueConstraint(fields=["site", "role"], name="one_group_per_association_role")
        ]

    def __str__(self):
        return f"{self.role} @ {self.site_id}"


class AssociationCollection(models.Model):
    """Which collection holds an association's images and documents (it and every collection
    under it). The default association has none: the root collection is its own, but for the
    other associations' collections. A relation, not a name, so that renaming a collection (or
    naming one after an association) neither drops nor hands over an association's files."""

    site = models.OneToOneField(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="media_collection",
        verbose_name=_("association"),
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.CASCADE,
        related_name="association",
        verbose_name=_("collection"),
    )

    class Meta:
        verbose_name = _("association collection")
        verbose_name_plural = _("association collections")

    def __str__(self):
        return f"{self.collection_id} @ {self.site_id}"
