"""manage.py rebuild_site_index [--stale | --if-incomplete]: index everything the public can
find again; or only what Elasticsearch missed while it was unreachable; or rebuild only when
something findable is missing from the index (the release step runs this after `migrate`, since a
migration that changes the index's shape empties it)."""

from django.core.management.base import BaseCommand

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
            help="Rebuild only when a findable document is missing from the index",
        )

    def handle(self, *args, stale=False, if_incomplete=False, **options):
        if if_incomplete:
            missing = missing_documents()
            if not missing:
                self.stdout.write(self.style.SUCCESS("the site index is complete"))
                return
            self.stdout.write(f"{missing} documents missing from the site index")
        if stale:
            self.stdout.write(self.style.SUCCESS(f"caught up: {catch_up()} documents"))
            return
        self.stdout.write(self.style.SUCCESS(f"rebuilt: {rebuild_site_index()} documents"))
