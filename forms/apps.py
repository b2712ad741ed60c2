from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from portal.core.public_memory import renew

KINDS = ("help", "volunteer", "complaint")  # forms.kinds.*, in the order the inbox lists them


class IntakeConfig(AppConfig):
    """Casework: the public forms of every kind of submission (help requests, volunteer
    applications, complaints and suggestions), one engine that works them, and the staff inbox
    with its doors (admin, API). The package is `forms`; its label is `intake` (`forms` is also
    Django's) — one app, also called the Inbox in the admin."""

    name = "forms"
    label = "intake"
    verbose_name = _("Requests and applications")

    def ready(self):
        # Imported once the models are loaded (an app's ready() is the first moment they are):
        # the kinds this app declares register themselves as their modules load.
        from forms.groups import ensure_inbox_groups
        from portal.core.roles import roles_after_migrate

        for kind in KINDS:
            import_module(f"forms.kinds.{kind}")

        post_migrate.connect(
            roles_after_migrate(self.label, ensure_inbox_groups), sender=self, weak=False
        )
        # Message templates (forms.casework.messages) and the types of support a filing names
        # (forms.fields.parts) are remembered per process: an edit renews the token every
        # process reads them under.
        for signal in (post_save, post_delete):
            signal.connect(
                renew, sender="intake.MessageTemplate", dispatch_uid=f"sila-templates-{signal}"
            )
            signal.connect(
                renew, sender="intake.SupportType", dispatch_uid=f"sila-support-types-{signal}"
            )
