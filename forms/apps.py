from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Casework: the public forms of every kind of submission (help requests, volunteer
    applications), one engine that works them, and the staff inbox with its doors (admin, API).
    The package is `forms`; its label is `intake` (`forms` is also Django's) — one app, also
    called the Inbox in the admin."""

    name = "forms"
    label = "intake"
    verbose_name = _("Requests and applications")

    def ready(self):
        # The kinds this app declares register themselves when their modules load; groups
        # post_migrate needs the models, hence these imports here rather than at the top.
        from forms.groups import ensure_inbox_groups_after_migrate
        from forms.kinds import help, volunteer  # noqa: F401 - registers the kinds

        post_migrate.connect(ensure_inbox_groups_after_migrate, sender=self)
