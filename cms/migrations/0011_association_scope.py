"""Several associations on one install: FAQs, their categories and board terms belong to one
association (a Wagtail Site). Existing rows go to the default site (nullable, filled, then
required); slugs and term numbers become unique within an association."""

import django.db.models.deletion
from django.db import migrations, models

import cms.models.scoping

SCOPED = ("FAQCategory", "FAQ", "BoardTerm")


def to_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    for name in SCOPED:
        model = apps.get_model("cms", name)
        if site is None:
            if model.objects.exists():
                raise RuntimeError(f"{name} rows exist but there is no site to give them to.")
            continue
        model.objects.filter(site__isnull=True).update(site=site)


def site_field(null):
    return models.ForeignKey(
        default=None if null else cms.models.scoping.default_site_id,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="wagtailcore.site",
        verbose_name="association",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0010_faq_service"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        *[
            migrations.AddField(model_name=name.lower(), name="site", field=site_field(True))
            for name in SCOPED
        ],
        migrations.RunPython(to_default_site, migrations.RunPython.noop),
        *[
            migrations.AlterField(model_name=name.lower(), name="site", field=site_field(False))
            for name in SCOPED
        ],
        *[
            migrations.AlterModelOptions(name=name.lower(), options=options)
            for name, options in (
                (
                    "faqcategory",
                    {
                        "default_manager_name": "objects",
                        "ordering": ["sort_order", "pk"],
                        "verbose_name": "FAQ category",
                        "verbose_name_plural": "FAQ categories",
                    },
                ),
                (
                    "faq",
                    {
                        "default_manager_name": "objects",
                        "ordering": ["category__sort_order", "sort_order", "pk"],
                        "verbose_name": "question",
                        "verbose_name_plural": "frequently asked questions",
                    },
                ),
                (
                    "boardterm",
                    {
                        "default_manager_name": "objects",
                        "ordering": ["-number"],
                        "verbose_name": "board term",
                        "verbose_name_plural": "board terms",
                    },
                ),
            )
        ],
        migrations.AlterField(
            model_name="faqcategory",
            name="slug",
            field=models.SlugField(verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="faq",
            name="slug",
            field=models.SlugField(
                help_text="Latin letters for the link to this answer, e.g. how-to-apply. Keep it "
                "stable.",
                verbose_name="link name",
            ),
        ),
        migrations.AlterField(
            model_name="boardterm",
            name="number",
            field=models.PositiveSmallIntegerField(verbose_name="term number"),
        ),
        migrations.AddConstraint(
            model_name="faqcategory",
            constraint=models.UniqueConstraint(
                fields=("site", "slug"), name="one_faq_category_slug_per_site"
            ),
        ),
        migrations.AddConstraint(
            model_name="faq",
            constraint=models.UniqueConstraint(fields=("site", "slug"), name="one_faq_slug_per_site"),
        ),
        migrations.AddIndex(
            model_name="faq",
            index=models.Index(fields=["site", "category"], name="faq_site_category"),
        ),
        migrations.AddConstraint(
            model_name="boardterm",
            constraint=models.UniqueConstraint(
                fields=("site", "number"), name="one_board_term_number_per_site"
            ),
        ),
    ]
