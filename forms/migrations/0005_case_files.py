"""Every submission gets a case file, and the rows about it (consents, documents, messages,
timeline steps, notes, the rating) point to that file instead of to one nullable key per kind
of submission. Existing rows keep their submission: each help request and volunteer
application gets its case file, and each row the case file of the submission it named."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

BATCH = 1000
# kind slug, model, the key its rows used
SUBMISSIONS = (
    ("help", "HelpRequest", "help_request"),
    ("volunteer", "VolunteerApplication", "volunteer_application"),
)
# row model: the kinds it belonged to
ROWS = {
    "Consent": ("help_request", "volunteer_application"),
    "Attachment": ("help_request",),
    "Notification": ("help_request", "volunteer_application"),
    "StatusEvent": ("help_request", "volunteer_application"),
    "InternalNote": ("help_request", "volunteer_application"),
    "SatisfactionRating": ("help_request",),
}


def _case_file_key(related_name, *, null, one=False):
    field = models.OneToOneField if one else models.ForeignKey
    return field(
        blank=null,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="intake.casefile",
    )


def open_case_files(apps, schema_editor):
    CaseFile = apps.get_model("intake", "CaseFile")
    for kind, model_name, key in SUBMISSIONS:
        Model = apps.get_model("intake", model_name)
        ids = list(Model.objects.filter(case_file__isnull=True).values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            files = CaseFile.objects.bulk_create([CaseFile(kind=kind) for _ in chunk])
            if any(file.pk is None for file in files):  # a database that returns no new keys
                files = [CaseFile.objects.create(kind=kind) for _ in chunk]
            Model.objects.bulk_update(
                [Model(pk=pk, case_file_id=file.pk) for pk, file in zip(chunk, files, strict=True)],
                ["case_file"],
            )
        case_file_of = Model.objects.filter(pk=OuterRef(f"{key}_id")).values("case_file_id")[:1]
        for row_name, keys in ROWS.items():
            if key in keys:
                apps.get_model("intake", row_name).objects.filter(
                    **{f"{key}__isnull": False}
                ).update(case_file_id=Subquery(case_file_of))


def close_case_files(apps, schema_editor):
    for kind, model_name, key in SUBMISSIONS:
        Model = apps.get_model("intake", model_name)
        owner = Model.objects.filter(case_file_id=OuterRef("case_file_id")).values("pk")[:1]
        for row_name, keys in ROWS.items():
            if key in keys:
                apps.get_model("intake", row_name).objects.filter(case_file__kind=kind).update(
                    **{f"{key}_id": Subquery(owner)}
                )


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_inbox")]

    operations = [
        # Keys that were required become optional first, so that the migration can be reversed
        # (the old keys are filled again before they are required again).
        migrations.AlterField(
            model_name="attachment",
            name="help_request",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attachments",
                to="intake.helprequest",
            ),
        ),
        migrations.AlterField(
            model_name="satisfactionrating",
            name="help_request",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="rating",
                to="intake.helprequest",
            ),
        ),
        migrations.CreateModel(
            name="CaseFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(editable=False, max_length=30, verbose_name="kind")),
            ],
            options={"verbose_name": "case file", "verbose_name_plural": "case files"},
        ),
        migrations.AddField(
            model_name="helprequest",
            name="case_file",
            field=_case_file_key("%(class)s", null=True, one=True),
        ),
        migrations.AddField(
            model_name="volunteerapplication",
            name="case_file",
            field=_case_file_key("%(class)s", null=True, one=True),
        ),
        migrations.AddField(
            model_name="consent", name="case_file", field=_case_file_key("consents", null=True)
        ),
        migrations.AddField(
            model_name="attachment",
            name="case_file",
            field=_case_file_key("attachments", null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="case_file",
            field=_case_file_key("notifications", null=True),
        ),
        migrations.AddField(
            model_name="statusevent", name="case_file", field=_case_file_key("events", null=True)
        ),
        migrations.AddField(
            model_name="internalnote", name="case_file", field=_case_file_key("notes", null=True)
        ),
        migrations.AddField(
            model_name="satisfactionrating",
            name="case_file",
            field=_case_file_key("rating", null=True, one=True),
        ),
        migrations.RunPython(open_case_files, close_case_files),
        migrations.AlterField(
            model_name="helprequest",
            name="case_file",
            field=_case_file_key("%(class)s", null=False, one=True),
        ),
        migrations.AlterField(
            model_name="volunteerapplication",
            name="case_file",
            field=_case_file_key("%(class)s", null=False, one=True),
        ),
        migrations.AlterField(
            model_name="consent", name="case_file", field=_case_file_key("consents", null=False)
        ),
        migrations.AlterField(
            model_name="attachment",
            name="case_file",
            field=_case_file_key("attachments", null=False),
        ),
        migrations.AlterField(
            model_name="statusevent", name="case_file", field=_case_file_key("events", null=False)
        ),
        migrations.AlterField(
            model_name="internalnote", name="case_file", field=_case_file_key("notes", null=False)
        ),
        migrations.AlterField(
            model_name="satisfactionrating",
            name="case_file",
            field=_case_file_key("rating", null=False, one=True),
        ),
        migrations.RemoveField(model_name="attachment", name="help_request"),
        migrations.RemoveField(model_name="consent", name="help_request"),
        migrations.RemoveField(model_name="consent", name="volunteer_application"),
        migrations.RemoveField(model_name="internalnote", name="help_request"),
        migrations.RemoveField(model_name="internalnote", name="volunteer_application"),
        migrations.RemoveField(model_name="notification", name="help_request"),
        migrations.RemoveField(model_name="notification", name="volunteer_application"),
        migrations.RemoveField(model_name="satisfactionrating", name="help_request"),
        migrations.RemoveField(model_name="statusevent", name="help_request"),
        migrations.RemoveField(model_name="statusevent", name="volunteer_application"),
    ]
