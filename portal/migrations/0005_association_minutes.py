from django.db import migrations


def minutes_for_every_association(apps, schema_editor):
    """Associations added before onboarding made each its own board-minutes collection have
    none (nor, some, a collection of their own): give each what onboarding gives a new one, by
    the same code (cms.governance.setup.association_minutes_ensure) on the historical models."""
    from cms.governance.setup import association_minutes_ensure

    Site = apps.get_model("wagtailcore", "Site")
    for site in Site.objects.order_by("pk"):
        association_minutes_ensure(site, models=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0004_association_collections"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(minutes_for_every_association, migrations.RunPython.noop),
    ]
