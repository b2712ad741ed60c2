from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Public help-request and volunteer forms. Labelled `intake`: `forms` is also Django's."""

    name = "forms"
    label = "intake"
    verbose_name = _("Requests and applications")
