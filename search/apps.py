from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _index_services(sender, plan=None, **kwargs):
    # Only after migrate (which passes its plan), not after a flush: a test's serialized
    # rollback flushes and then loads the rows it saved, these among them.
    if plan is None:
        return
    # Nor after migrating back: the code then reads a schema older than its own.
    if any(backwards for _migration, backwards in plan):
        return
    from search.site.indexing import index_services

    index_services()


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from search.site import signals  # noqa: F401 - the site index follows the content

        post_migrate.connect(_index_services, sender=self)
