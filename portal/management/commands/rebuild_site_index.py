"""manage.py rebuild_site_index [--stale | --if-incomplete]: index everything the public can
find again; or only what Elasticsearch missed while it was unreachable; or rebuild only when
something findable is missing from the index, or Elasticsearch holds it under an older
definition (the release step runs this after `migrate`, since a migration that changes the
index's shape empties it, and a release may change Elasticsearch's mapping)."""

from django.core.management.base import BaseCommand

from search.index import site as site_index
from search.site.indexing import catch_up, missing_documents, rebuild_site_index


class Command(BaseCommand):
    help = "Rebuild the site-search index (policies, questions, pages, services)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale", action="store_true", help="Only send what Elasticsearch missed"
        )
        parser.add_argument(
            "--if-incomplete",
            action="store_true",
            help=(
                "Rebuild only when a findable document is missing from the index, or "
                "Elasticsearch holds it under an older definition"
            ),
        )

    def handle(self, *args, stale=False, if_incomplete=False, **options):
        if if_incomplete:
            missing = missing_documents()
            old = site_index.elastic_outdated()
            if not missing and not old:
                self.stdout.write(self.style.SUCCESS("the site index is complete"))
                return
            if missing:
                self.stdout.write(f"{missing} documents missing from the site index")
            if old:
                self.stdout.write("Elasticsearch holds the site index under an older definition")
        if stale:
            self.stdout.write(self.style.SUCCESS(f"caught up: {catch_up()} documents"))
            return
        self.stdout.write(self.style.SUCCESS(f"rebuilt: {rebuild_site_index()} documents"))
