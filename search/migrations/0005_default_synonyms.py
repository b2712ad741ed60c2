"""A sensible first list of the association's synonyms; staff edit it in the admin."""

from django.db import migrations

DEFAULTS = [
    ("دعم، مساعدة، إعانة، معونة، help، support، aid، assistance", "support"),
    ("شكوى، بلاغ، ملاحظة، تظلم، complaint، grievance", "complaints"),
    ("رد، إجابة، جواب، answer، reply، response", "answers"),
    ("مدة، فترة، وقت، period، time، duration", "time"),
    ("رضا، رضى، تقييم، satisfaction، rating", "satisfaction"),
    ("طلب، استمارة، request، application", "requests"),
    ("وثائق، مستندات، أوراق، documents، papers", "documents"),
    ("استفسار، سؤال، تساؤل، question، enquiry، inquiry", "questions"),
    ("اعتماد، موافقة، إقرار، approval", "approval"),
    ("متطوع، تطوع، volunteer، volunteering", "volunteering"),
    ("هاتف، جوال، اتصال، phone، mobile، call", "phone"),
    ("رفض، اعتذار، rejection، refusal، declined", "rejection"),
    ("خصوصية، سرية، privacy، confidentiality", "privacy"),
]


def add_defaults(apps, schema_editor):
    SynonymSet = apps.get_model("search", "SynonymSet")
    if not SynonymSet.objects.exists():
        SynonymSet.objects.bulk_create(
            SynonymSet(words=words, note=note) for words, note in DEFAULTS
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0004_site_index")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
