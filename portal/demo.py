"""The demo `make run` loads, put together from every app's part: the association's content and
governance (cms), then the types of support and the inbox at every step (forms), with both
search indexes ready. Idempotent."""

from django.core.management import call_command
from django.db import transaction

from cms.demo import DEMO_ADMIN_USERNAME, DemoReport
from cms.demo import load_demo as load_content_demo
from forms.demo import ensure_support_types, load_inbox_demo
from search.index.service import index_pending
from search.site.indexing import rebuild_site_index

__all__ = ["DEMO_ADMIN_USERNAME", "load_demo"]


def load_demo(*, admin_password: str) -> DemoReport:
    with transaction.atomic():
        report = load_content_demo(admin_password=admin_password)
        if ensure_support_types():
            report.created.append("types of support")
        report.created += load_inbox_demo(admin_password)
    if report.created:
        call_command("update_index", verbosity=0)  # the admin's page search
        rebuild_site_index()  # site search, with everything the demo published
        index_pending(limit=10_000)  # and so does the inbox's submission search
    return report
