"""Load the demo association, pages and administrator; safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.demo import DEMO_ADMIN_USERNAME, SAMPLE_ROLES, load_demo, sample_hosts


class Command(BaseCommand):
    help = "Load demo content for the local site (idempotent)."

    def handle(self, *args, **options):
        report = load_demo(admin_password=settings.DEMO_ADMIN_PASSWORD)
        if report.created:
            self.stdout.write(
                self.style.SUCCESS("Demo content created: " + ", ".join(report.created))
            )
        else:
            self.stdout.write("Demo content already present; nothing changed.")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Sila is ready at http://127.0.0.1:8000/"))
        self.stdout.write("  Admin:    http://127.0.0.1:8000/admin/")
        self.stdout.write(f"  Username: {DEMO_ADMIN_USERNAME}")
        if report.admin_created:
            self.stdout.write(f"  Password: {settings.DEMO_ADMIN_PASSWORD}")
        else:
            self.stdout.write(
                f"  Password: {settings.DEMO_ADMIN_PASSWORD} "
                "(unless you changed it; `manage.py changepassword admin` resets it)"
            )
        self.stdout.write(
            "  Also: `editor` (communications staff), `secretary` (board secretary), "
            "`officer` (beneficiary relations), `researcher` (social research), "
            "`committee` (research committee), `coordinator` (volunteers) and "
            "`complaints` (complaints and suggestions), "
            "with the same demo password."
        )
        if not settings.DEMO_SAMPLE_ASSOCIATIONS:
            return
        self.stdout.write("")
        self.stdout.write("  Sample associations, each on its own host, each with its own staff:")
        for host, port in sample_hosts():
            name = host.split(".")[0]
            self.stdout.write(f"    http://{host}:{port}/  (admin: http://{host}:{port}/admin/)")
            self.stdout.write(
                "      users: " + ", ".join(f"{name}-{role}" for role in SAMPLE_ROLES)
            )
        self.stdout.write("  with the same demo password; each sees only its own association.")
