"""Site search per association: documents are keyed by association (`policy:<site>:<slug>`,
`faq:<site>:<slug>`, `service:<site>:<name>`), every document and posting carries its site, the
postings are read down an index that starts with the site, "did you mean" words belong to one
association, and synonym sets belong to one association (existing sets go to the default site).

The site index is emptied here (its keys change): the release step
`manage.py rebuild_site_index --if-incomplete` fills it again."""

import django.db.models.deletion
from django.db import migrations, models

import portal.core.associations


def empty_the_site_index(apps, schema_editor):
    for name in ("SitePosting", "SiteDocument", "SiteWord", "SiteTerm", "SiteIndexStats"):
        apps.get_model("search", name).objects.all().delete()


def synonyms_to_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    SynonymSet = apps.get_model("search", "SynonymSet")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is None:
        SynonymSet.objects.all().delete()  # no association to give them to: nothing reads them
        return
    SynonymSet.objects.filter(site__isnull=True).update(site=site)


def site_field(null):
    return models.ForeignKey(
        default=None if null else portal.core.associations.current_site_id,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="wagtailcore.site",
        verbose_name="association",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_submission_index_associations"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(empty_the_site_index, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="siteposting", name="site_posting_impact"),
        migrations.AddIndex(
            model_name="siteposting",
            index=models.Index(
                fields=["site_id", "term", "-impact", "document"], name="site_posting_site_impact"
            ),
        ),
        migrations.AlterField(
            model_name="siteword", name="word", field=models.CharField(max_length=60)
        ),
        migrations.AlterField(
            model_name="siteword", name="length", field=models.PositiveSmallIntegerField()
        ),
        migrations.AddField(
            model_name="siteword",
            name="site_id",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="siteword",
            constraint=models.UniqueConstraint(
                fields=("site_id", "word"), name="one_site_word_per_site"
            ),
        ),
        migrations.AddIndex(
            model_name="siteword",
            index=models.Index(fields=["site_id", "length"], name="site_word_length"),
        ),
        migrations.AddField(model_name="synonymset", name="site", field=site_field(True)),
        migrations.RunPython(synonyms_to_default_site, migrations.RunPython.noop),
        migrations.AlterField(model_name="synonymset", name="site", field=site_field(False)),
        migrations.AlterModelOptions(
            name="synonymset",
            options={
                "default_manager_name": "objects",
                "ordering": ["pk"],
                "verbose_name": "synonyms",
                "verbose_name_plural": "search synonyms",
            },
        ),
    ]
