"""manage.py rebuild_site_index [--stale]: index everything the public can find again, or
only what Elasticsearch missed while it was unreachable."""

from django.core.management.base import BaseCommand

from search.site.indexing import catch_up, rebuild_site_index


class Command(BaseCommand):
    help = "Rebuild the site-search index (policies, questions, pages, services)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale", action="store_true", help="Only send what Elasticsearch missed"
        )

    def handle(self, *args, stale=False, **options):
        if stale:
            self.stdout.write(self.style.SUCCESS(f"caught up: {catch_up()} documents"))
            return
        self.stdout.write(self.style.SUCCESS(f"rebuilt: {rebuild_site_index()} documents"))
