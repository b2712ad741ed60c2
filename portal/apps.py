from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # The menu's signals need Wagtail's models, which are loaded only once apps are ready.
        from portal import admin_sidebar, frontend_cache
        from portal.accounts.signals import connect_signals as accounts_connect_signals
        from portal.menu import connect_signals

        connect_signals()
        frontend_cache.connect_signals()
        accounts_connect_signals()
        admin_sidebar.connect_signals()
        admin_sidebar.keep_sidebars()
