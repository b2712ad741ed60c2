"""Search statistics and word lists per association, so that one association's data is never
counted in another's search.

Submission search: the words a query word may be a misspelling or the start of are each
association's own. PostgreSQL: `search_submission_words` is keyed (site_id, word), its trigram
index leads with the site (btree_gin), and it is filled again from the index entries, each word
under the association of the entries that hold it. SQLite: the FTS5 table gains a `site` column
that every MATCH names, and is filled again from the index entries.

Site search: each term's document frequency (SiteTerm) and the average field lengths
(SiteIndexStats) are an association's own, and its documents' count and averages are read down
an index led by the site. Existing counts are made again from the postings, each association's
averages from its documents, and every posting's impact is weighed again under its
association's averages."""

from django.db import migrations, models

# As search.index.site_store weighs them (kept here, so this migration does not change with it).
K1 = 1.2
B = 0.75
WEIGHTS = {"title": 3.0, "heading": 1.5, "body": 1.0, "roots": 0.35}

WORDS = (
    "SELECT DISTINCT site_id, word FROM search_submissionentry, "
    "regexp_split_to_table(text, '\\s+') AS word "
    "WHERE char_length(word) BETWEEN 3 AND 100 AND word !~ '^[0-9]+$'"
)
POSTGRESQL = [
    "DROP TABLE IF EXISTS search_submission_words",
    "CREATE TABLE search_submission_words (site_id integer NOT NULL, "
    "word varchar(100) NOT NULL, PRIMARY KEY (site_id, word))",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX submission_words_site_trgm ON search_submission_words "
    "USING gin (site_id, word gin_trgm_ops)",
    f"INSERT INTO search_submission_words (site_id, word) {WORDS}",  # noqa: S608
]
POSTGRESQL_REVERSE = [
    "DROP TABLE IF EXISTS search_submission_words",
    "CREATE TABLE search_submission_words (word varchar(100) PRIMARY KEY)",
    "CREATE INDEX submission_words_trgm ON search_submission_words "
    "USING gin (word gin_trgm_ops)",
    "INSERT INTO search_submission_words (word) SELECT DISTINCT word FROM "
    f"({WORDS}) AS words",  # noqa: S608
]
SQLITE = [
    "DROP TABLE IF EXISTS search_submission_fts",
    "CREATE VIRTUAL TABLE search_submission_fts USING fts5("
    "name, text, site, tokenize='trigram')",
    "INSERT INTO search_submission_fts (rowid, name, text, site) "
    "SELECT id, name, text, '@' || site_id || '@' FROM search_submissionentry",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS search_submission_fts",
    "CREATE VIRTUAL TABLE search_submission_fts USING fts5(name, text, tokenize='trigram')",
    "INSERT INTO search_submission_fts (rowid, name, text) "
    "SELECT id, name, text FROM search_submissionentry",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def forget_statistics(apps, schema_editor):
    apps.get_model("search", "SiteIndexStats").objects.all().delete()
    apps.get_model("search", "SiteTerm").objects.all().delete()


def statistics_by_association(apps, schema_editor):
    """Count each association's terms from its postings, take its averages from its documents,
    and weigh its postings again under them."""
    SiteDocument = apps.get_model("search", "SiteDocument")
    SiteIndexStats = apps.get_model("search", "SiteIndexStats")
    execute = schema_editor.execute
    execute(
        "INSERT INTO search_siteterm (site_id, term, documents) "
        "SELECT COALESCE(site_id, 0), term, COUNT(*) FROM search_siteposting "
        "GROUP BY COALESCE(site_id, 0), term"
    )
    sites = set(SiteDocument.objects.values_list("site_id", flat=True).distinct().order_by())
    for site_id in sites:
        documents = SiteDocument.objects.filter(site_id=site_id) if site_id else (
            SiteDocument.objects.filter(site_id__isnull=True)
        )
        averages = documents.aggregate(
            **{name: models.Avg(f"{name}_length") for name in WEIGHTS}
        )
        averages = {name: max(value or 0.0, 1.0) for name, value in averages.items()}
        SiteIndexStats.objects.create(
            site_id=site_id or 0, **{f"{name}_length": averages[name] for name in WEIGHTS}
        )
        impact = " + ".join(
            f"{weight:.6f} * p.{name} / (p.{name} + {K1 * (1 - B):.6f} "
            f"+ {K1 * B / averages[name]:.9f} * d.{name}_length)"
            for name, weight in WEIGHTS.items()
        )
        where = "p.site_id = %s" if site_id else "p.site_id IS NULL"
        execute(
            f"UPDATE search_siteposting AS p SET impact = {impact} "  # noqa: S608
            f"FROM search_sitedocument AS d WHERE d.id = p.document_id AND {where}",
            [site_id] if site_id else None,
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0008_site_search_by_association")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
        migrations.RunPython(forget_statistics, forget_statistics),
        migrations.AddField(
            model_name="siteindexstats",
            name="site_id",
            field=models.PositiveIntegerField(default=0, unique=True),
        ),
        migrations.AddField(
            model_name="siteterm",
            name="site_id",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="siteterm",
            name="term",
            field=models.CharField(max_length=60),
        ),
        migrations.AddConstraint(
            model_name="siteterm",
            constraint=models.UniqueConstraint(
                fields=("site_id", "term"), name="one_site_term_per_site"
            ),
        ),
        migrations.AddIndex(
            model_name="sitedocument",
            index=models.Index(
                fields=["site_id", "title_length", "heading_length", "body_length", "roots_length"],
                name="site_doc_site_lengths",
            ),
        ),
        migrations.RunPython(statistics_by_association, forget_statistics),
    ]
