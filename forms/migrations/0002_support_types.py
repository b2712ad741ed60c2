"""The types of support every install starts with; staff edit them in the admin."""

from django.db import migrations

from forms.defaults import SUPPORT_TYPES as TYPES


def create(apps, schema_editor):
    SupportType = apps.get_model("intake", "SupportType")
    for order, (slug, name_ar, name_en, docs_ar, docs_en) in enumerate(TYPES):
        SupportType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name_ar,
                "name_ar": name_ar,
                "name_en": name_en,
                "required_documents": docs_ar,
                "required_documents_ar": docs_ar,
                "required_documents_en": docs_en,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
