"""Engine-specific parts of the submission index: SQLite's FTS5 table (trigram tokenizer, so
parts of words and numbers match), PostgreSQL's pg_trgm extension and GIN indexes."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_submission_fts USING fts5("
    "name, text, tokenize='trigram')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_submission_fts"]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS entry_search_vector ON search_submissionentry "
    "USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS entry_name_trgm ON search_submissionentry "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS entry_phone_trgm ON search_submissionentry "
    "USING gin (phone gin_trgm_ops)",
    # Filters and facets read from the index alone (index-only scans), not the wide rows.
    "CREATE INDEX IF NOT EXISTS entry_facets ON search_submissionentry "
    "(kind, status, city) INCLUDE (channel, support_type_id, assignee_id, submitted_at, id)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS entry_search_vector",
    "DROP INDEX IF EXISTS entry_name_trgm",
    "DROP INDEX IF EXISTS entry_phone_trgm",
    "DROP INDEX IF EXISTS entry_facets",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_submission_index")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
