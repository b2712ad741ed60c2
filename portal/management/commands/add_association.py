"""Add an association (or complete one): its site and host, pages, roles, defaults, starter
policy and first administrator. Safe to run again."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.onboarding import association_add


class Command(BaseCommand):
    help = (
        "Add an association served at its own host name: site, home page tree, role groups, "
        "FAQ categories, a starter policy and its first administrator (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name-ar", required=True, help="The association's name in Arabic.")
        parser.add_argument("--name-en", default="", help="The association's name in English.")
        parser.add_argument("--host", required=True, help="Host name, e.g. deema.example.org.")
        parser.add_argument("--port", type=int, default=80, help="Port the host is served at.")
        parser.add_argument("--licence-number", default="")
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-email", default="")
        parser.add_argument(
            "--admin-password",
            default="",
            help="The first administrator's password; a random one is printed when omitted.",
        )

    def handle(self, *args, **options):
        try:
            report = association_add(
                name_ar=options["name_ar"],
                name_en=options["name_en"],
                hostname=options["host"],
                port=options["port"],
                licence_number=options["licence_number"],
                admin_username=options["admin_username"],
                admin_email=options["admin_email"],
                admin_password=options["admin_password"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        site = report.site
        if report.created:
            self.stdout.write(self.style.SUCCESS("Created: " + ", ".join(report.created)))
        else:
            self.stdout.write("The association is complete already; nothing changed.")
        self.stdout.write(f"Association served at {site.root_url}/ (site {site.pk})")
        self.stdout.write(f"Administrator: {report.admin_username}")
        if report.admin_password:
            self.stdout.write(f"Password (shown once): {report.admin_password}")
