"""The permission matrix: every role × every inbox URL, API endpoint, export and attachment
download. Allowed where the role needs it; 403 or 404 everywhere else."""

import pytest

from django.test import TestCase

from forms.kinds.help import help_request_submit
from forms.models import Attachment
from tests.forms.helpers import pdf
from tests.inbox.conftest import (
    CONSENTS,
    file_application,
    file_complaint,
    file_request,
    help_data,
)

pytestmark = pytest.mark.django_db

HELP = {"officer", "researcher", "committee", "superuser"}
HELP_EXPORT = {"officer", "superuser"}
VOLUNTEERS = {"coordinator", "superuser"}
RECORD = {"officer", "superuser"}
COMPLAINTS = {"complaints", "superuser"}


def doors(help_request, application, attachment, complaint):
    h, v, c = help_request, application, complaint
    return {
        # name: (method, url, roles allowed)
        "help list": ("get", "/admin/inbox/help-requests/", HELP),
        "help list results": ("get", "/admin/inbox/help-requests/results/?status=received", HELP),
        "help inspect": ("get", f"/admin/inbox/help-requests/inspect/{h.pk}/", HELP),
        "help export csv": ("get", "/admin/inbox/help-requests/?export=csv", HELP_EXPORT),
        "help export xlsx": ("get", "/admin/inbox/help-requests/?export=xlsx", HELP_EXPORT),
        "help note": ("post", f"/admin/inbox/help-requests/note/{h.pk}/", HELP),
        # The request's page shows its history; the generic screens are closed to everyone.
        "help history": ("get", f"/admin/inbox/help-requests/history/{h.pk}/", set()),
        "help usage": ("get", f"/admin/inbox/help-requests/usage/{h.pk}/", set()),
        "help chooser": ("get", "/admin/snippets/choose/intake/helprequest/", HELP),
        "help chooser results": (
            "get",
            f"/admin/snippets/choose/intake/helprequest/results/?q={h.reference}",
            HELP,
        ),
        "help chooser chosen": (
            "get",
            f"/admin/snippets/choose/intake/helprequest/chosen/{h.pk}/",
            HELP,
        ),
        "help chooser chosen many": (
            "get",
            f"/admin/snippets/choose/intake/helprequest/chosen-multiple/?id={h.pk}",
            HELP,
        ),
        "help bulk assign": ("get", f"/admin/bulk/intake/helprequest/assign/?id={h.pk}", HELP),
        "attachment download": ("get", f"/admin/requests/attachments/{attachment.pk}/", HELP),
        "record off-line request": ("get", "/admin/requests/record/", RECORD),
        "volunteer list": ("get", "/admin/inbox/volunteers/", VOLUNTEERS),
        "volunteer inspect": ("get", f"/admin/inbox/volunteers/inspect/{v.pk}/", VOLUNTEERS),
        "volunteer export csv": ("get", "/admin/inbox/volunteers/?export=csv", VOLUNTEERS),
        "volunteer note": ("post", f"/admin/inbox/volunteers/note/{v.pk}/", VOLUNTEERS),
        "volunteer chooser": (
            "get",
            "/admin/snippets/choose/intake/volunteerapplication/",
            VOLUNTEERS,
        ),
        "volunteer chooser chosen": (
            "get",
            f"/admin/snippets/choose/intake/volunteerapplication/chosen/{v.pk}/",
            VOLUNTEERS,
        ),
        "complaint list": ("get", "/admin/inbox/complaints/", COMPLAINTS),
        "complaint inspect": ("get", f"/admin/inbox/complaints/inspect/{c.pk}/", COMPLAINTS),
        "complaint export csv": ("get", "/admin/inbox/complaints/?export=csv", COMPLAINTS),
        "complaint note": ("post", f"/admin/inbox/complaints/note/{c.pk}/", COMPLAINTS),
        "complaint bulk status": (
            "get",
            f"/admin/bulk/intake/complaint/change_status/?id={c.pk}",
            COMPLAINTS,
        ),
        "api complaint list": ("get", "/api/v1/staff/complaints/", COMPLAINTS),
        "api complaint detail": ("get", f"/api/v1/staff/complaints/{c.reference}/", COMPLAINTS),
        "api complaint note": (
            "post",
            f"/api/v1/staff/complaints/{c.reference}/notes/",
            COMPLAINTS,
        ),
        "api help list": ("get", "/api/v1/staff/help-requests/", HELP),
        "api help detail": ("get", f"/api/v1/staff/help-requests/{h.reference}/", HELP),
        "api help note": ("post", f"/api/v1/staff/help-requests/{h.reference}/notes/", HELP),
        "api volunteer list": ("get", "/api/v1/staff/volunteer-applications/", VOLUNTEERS),
        "api volunteer detail": (
            "get",
            f"/api/v1/staff/volunteer-applications/{v.reference}/",
            VOLUNTEERS,
        ),
        "api volunteer note": (
            "post",
            f"/api/v1/staff/volunteer-applications/{v.reference}/notes/",
            VOLUNTEERS,
        ),
    }


def test_permission_matrix(client, roles, django_user_model):
    with TestCase.captureOnCommitCallbacks(execute=True):
        help_request, _ = help_request_submit(
            data=help_data(), consents=CONSENTS, attachments=[pdf("هوية.pdf")]
        )
    attachment = Attachment.objects.get()
    application = file_application()
    complaint = file_complaint()
    users = {
        **roles,
        "superuser": django_user_model.objects.create_superuser("root", "r@e.org", "x"),
    }
    failures = []
    for role, user in users.items():
        client.force_login(user)
        for name, (method, url, allowed) in doors(
            help_request, application, attachment, complaint
        ).items():
            if method == "get":
                response = client.get(url)
            elif url.startswith("/api/"):
                response = client.post(url, {"text": "ملاحظة"}, content_type="application/json")
            else:
                response = client.post(url, {"text": "ملاحظة"})
            ok = response.status_code in (200, 201, 302) and (
                response.status_code != 302 or "/admin/login" not in response["Location"]
            )
            if response.status_code == 302:
                # Admin POSTs redirect back to the request's page on success only.
                ok = "/inspect/" in response["Location"]
            if ok != (role in allowed):
                failures.append((role, name, response.status_code))
            if role not in allowed:
                assert response.status_code in (403, 404), (role, name, response.status_code)
    assert not failures, failures


def test_anonymous_gets_nothing(client):
    help_request = file_request()
    for url in (
        "/api/v1/staff/help-requests/",
        f"/api/v1/staff/help-requests/{help_request.reference}/",
        "/api/v1/staff/volunteer-applications/",
        "/api/v1/staff/complaints/",
    ):
        assert client.get(url).status_code in (401, 403)
    assert client.get("/admin/inbox/help-requests/").status_code == 302  # to the login page


def test_the_search_and_facets_never_show_another_kind(client, roles):
    file_request(full_name="نورة سالم")
    file_application(full_name="نورة سالم")
    client.force_login(roles["coordinator"])
    listing = client.get("/api/v1/staff/volunteer-applications/?q=نورة").json()
    assert listing["count"] == 1 and listing["results"][0]["reference"].startswith("VA-")
    assert client.get("/api/v1/staff/help-requests/?q=نورة").status_code == 403
    page = client.get("/admin/inbox/volunteers/?q=نورة").content.decode()
    assert "HR-" not in page


def test_communications_and_secretaries_see_no_inbox_in_the_menu(client, roles):
    for role in ("communications", "secretary"):
        client.force_login(roles[role])
        page = client.get("/admin/").content.decode()
        assert "/admin/inbox/" not in page, role
    client.force_login(roles["officer"])
    assert "/admin/inbox/help-requests/" in client.get("/admin/").content.decode()


def test_roles_without_the_view_permission_see_no_submission_anywhere_in_the_admin(client, roles):
    """The closure, screen by screen: for every role that may not see a kind, no page of the
    admin it can open shows a reference, a name or a count of that kind."""
    help_request = file_request(full_name="وداد سالم المطيري")
    application = file_application(full_name="ريم خالد العنزي")
    # Some history for the reports: an officer opened the request, a coordinator the application.
    client.force_login(roles["officer"])
    client.get(f"/admin/inbox/help-requests/inspect/{help_request.pk}/")
    client.force_login(roles["coordinator"])
    client.get(f"/admin/inbox/volunteers/inspect/{application.pk}/")
    secrets = {
        "help": [help_request.reference, "وداد", "HR-"],
        "volunteer": [application.reference, "ريم خالد", "VA-"],
    }
    closed = {
        "communications": ["help", "volunteer"],
        "secretary": ["help", "volunteer"],
        "administrator": ["help", "volunteer"],
        "coordinator": ["help"],
        "committee": ["volunteer"],
    }
    pages = [
        "/admin/",
        "/admin/snippets/",
        "/admin/snippets/intake/",
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        f"/admin/search/?q={help_request.reference}",
        f"/admin/search/?q={application.reference}",
        "/admin/users/",
        f"/admin/snippets/choose/intake/helprequest/results/?q={help_request.reference}",
        "/admin/snippets/choose/intake/volunteerapplication/results/",
    ]
    leaks = []
    for role, kinds in closed.items():
        client.force_login(roles[role])
        for url in pages:
            response = client.get(url, follow=True)
            if response.status_code >= 500:
                leaks.append((role, url, response.status_code))
                continue
            text = response.content.decode()
            for kind in kinds:
                leaks.extend((role, url, word) for word in secrets[kind] if word in text)
    assert not leaks, leaks
