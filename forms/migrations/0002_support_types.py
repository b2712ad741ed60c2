"""The types of support every install starts with; staff edit them in the admin."""

from django.db import migrations

TYPES = [
    ("financial", "دعم مالي", "Financial support",
     "صورة الهوية الوطنية أو الإقامة\nما يثبت الدخل الشهري\nصورة من الحساب البنكي (الآيبان)",
     "A copy of the national ID or iqama\nProof of monthly income\nA copy of the bank account (IBAN)"),
    ("housing", "دعم سكني", "Housing support",
     "صورة الهوية الوطنية أو الإقامة\nعقد الإيجار أو صك الملكية\nفواتير الكهرباء أو الماء الأخيرة",
     "A copy of the national ID or iqama\nThe lease or title deed\nRecent electricity or water bills"),
    ("education", "دعم تعليمي", "Education support",
     "صورة الهوية الوطنية أو الإقامة\nإفادة من المدرسة أو الجامعة",
     "A copy of the national ID or iqama\nA letter from the school or university"),
    ("health", "دعم صحي", "Health support",
     "صورة الهوية الوطنية أو الإقامة\nالتقارير الطبية الحديثة",
     "A copy of the national ID or iqama\nRecent medical reports"),
    ("food", "سلة غذائية", "Food basket",
     "صورة الهوية الوطنية أو الإقامة",
     "A copy of the national ID or iqama"),
    ("other", "أخرى", "Other",
     "صورة الهوية الوطنية أو الإقامة",
     "A copy of the national ID or iqama"),
]  # fmt: skip


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
