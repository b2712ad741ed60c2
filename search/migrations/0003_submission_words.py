"""PostgreSQL: the words of the submission index, each once, with a trigram index. A query word
that matches nothing is looked up here (a few thousand words, not a million names) to find the
words it may be a misspelling of."""

from django.db import migrations

POSTGRESQL = [
    "CREATE TABLE IF NOT EXISTS search_submission_words (word varchar(100) PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS submission_words_trgm ON search_submission_words "
    "USING gin (word gin_trgm_ops)",
    "INSERT INTO search_submission_words (word) "
    "SELECT DISTINCT word FROM search_submissionentry, "
    "regexp_split_to_table(text, '\\s+') AS word "
    "WHERE char_length(word) BETWEEN 3 AND 100 AND word !~ '^[0-9]+$' "
    "ON CONFLICT DO NOTHING",
]
POSTGRESQL_REVERSE = ["DROP TABLE IF EXISTS search_submission_words"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_submission_index_engines")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
