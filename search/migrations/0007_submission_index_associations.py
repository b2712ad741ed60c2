"""Every submission index entry belongs to one association (a Wagtail site's id): existing
entries are the default site's. The association leads the indexes that list, filter, facet and
search (PostgreSQL: the covering facets index and, with btree_gin, the text index), so a query's
cost does not grow with the number of associations."""

from django.db import migrations, models

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "DROP INDEX IF EXISTS entry_search_vector",
    "CREATE INDEX IF NOT EXISTS entry_site_search_vector ON search_submissionentry "
    "USING gin (site_id, search_vector)",
    "DROP INDEX IF EXISTS entry_facets",
    "CREATE INDEX IF NOT EXISTS entry_site_facets ON search_submissionentry "
    "(site_id, kind, status, city) "
    "INCLUDE (channel, support_type_id, assignee_id, submitted_at, id)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS entry_site_search_vector",
    "CREATE INDEX IF NOT EXISTS entry_search_vector ON search_submissionentry "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS entry_site_facets",
    "CREATE INDEX IF NOT EXISTS entry_facets ON search_submissionentry "
    "(kind, status, city) INCLUDE (channel, support_type_id, assignee_id, submitted_at, id)",
]


def entries_to_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    SubmissionEntry = apps.get_model("search", "SubmissionEntry")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is None:
        SubmissionEntry.objects.all().delete()  # nothing to own them: a rebuild makes them again
    else:
        SubmissionEntry.objects.filter(site_id__isnull=True).update(site_id=site.pk)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_site_postings_by_impact"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="submissionentry", name="entry_kind_status"),
        migrations.RemoveIndex(model_name="submissionentry", name="entry_kind_newest"),
        migrations.AddField(
            model_name="submissionentry",
            name="site_id",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.RunPython(entries_to_default_site, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="submissionentry",
            name="site_id",
            field=models.PositiveIntegerField(),
        ),
        migrations.AddIndex(
            model_name="submissionentry",
            index=models.Index(fields=["site_id", "kind", "status"], name="entry_site_kind_status"),
        ),
        migrations.AddIndex(
            model_name="submissionentry",
            index=models.Index(fields=["site_id", "kind", "-submitted_at"], name="entry_site_newest"),
        ),
        migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE)),
    ]
