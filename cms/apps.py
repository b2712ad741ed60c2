from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Content")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        import cms.governance.roles  # noqa: F401  (declares the content roles of an association)
        from cms.governance import ensure_governance_after_migrate
        from cms.governance.records import register_sqlite_function
        from cms.public_reads import connect_signals
        from portal.core.roles import permissions_register

        # Board secretaries record the approvals that publish policies: they sign in with a
        # second factor, and granting their role is audited.
        permissions_register(privileged=["cms.change_boardterm"])

        post_migrate.connect(ensure_governance_after_migrate, sender=self)
        connection_created.connect(register_sqlite_function, dispatch_uid="sila_records_locked")
        # Public reads kept in each process's memory are forgotten when what they show changes.
        connect_signals()
