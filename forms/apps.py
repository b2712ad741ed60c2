from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Public help-request and volunteer forms, and the staff inbox that works them.
    Labelled `intake`: `forms` is also Django's."""

    name = "forms"
    label = "intake"
    verbose_name = _("Requests and applications")

    def ready(self):
        from django.db.models.signals import post_migrate

        from forms.admin.permissions import register_policies
        from forms.groups import ensure_inbox_groups_after_migrate

        register_policies()

        post_migrate.connect(ensure_inbox_groups_after_migrate, sender=self)
