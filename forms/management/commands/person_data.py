"""A person's rights over their data: export everything held about them, or erase it."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from forms.privacy import person_data_erase, person_data_export
from portal.core.associations import association_by_host


class Command(BaseCommand):
    help = "Export (--export FILE) or erase (--erase) the data of one person by national ID."

    def add_arguments(self, parser):
        parser.add_argument("--national-id", required=True, help="National ID or iqama number")
        parser.add_argument(
            "--host",
            default="",
            help="The association's host name (its site); the default association without it",
        )
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", metavar="FILE", help="Write the person's data as JSON")
        action.add_argument(
            "--erase", action="store_true", help="Withdraw open submissions and anonymise all"
        )

    def handle(self, *args, national_id, export=None, erase=False, host="", **options):
        site = association_by_host(host)
        if site is None:
            raise CommandError(f"No association has the host {host!r}.")
        try:
            if export:
                data = person_data_export(national_id=national_id, site=site)
                with open(export, "w", encoding="utf-8") as out:
                    json.dump(data, out, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
                count = sum(len(submissions) for submissions in data.values())
                self.stdout.write(self.style.SUCCESS(f"{count} submission(s) written to {export}"))
            else:
                report = person_data_erase(national_id=national_id, site=site)
                self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
