"""`load_demo`, which `make run` calls: real content, a demo administrator, safe to repeat."""

import pytest

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest

from wagtail.models import Page, Site

from cms.models import AssociationProfile, ContentPage, HomePage
from tests.accounts_helpers import second_factor_pass

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_site_and_prints_how_to_log_in(capsys):
    call_command("load_demo")
    output = capsys.readouterr().out
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert ContentPage.objects.live().count() >= 2
    assert AssociationProfile.for_site(site).name_en
    assert "Username: admin" in output
    assert "Password: " in output
    assert "http://127.0.0.1:8000/admin/" in output


def test_load_demo_twice_duplicates_nothing(capsys):
    call_command("load_demo")
    counts = (Page.objects.count(), get_user_model().objects.count(), Site.objects.count())
    call_command("load_demo")
    assert (Page.objects.count(), get_user_model().objects.count(), Site.objects.count()) == counts
    assert "already present" in capsys.readouterr().out


def test_load_demo_replaces_wagtails_welcome_page():
    call_command("load_demo")
    assert not Page.objects.filter(depth=2).exact_type(Page).exists()


def test_demo_admin_logs_in_and_sees_the_arabic_admin(client, settings):
    call_command("load_demo")
    # The demo's password (django-axes checks every sign-in against a request), then the code.
    assert client.login(
        request=HttpRequest(), username="admin", password=settings.DEMO_ADMIN_PASSWORD
    )
    second_factor_pass(client, get_user_model().objects.get(username="admin"))
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "لوحة التحكم" in html or "الصفحات" in html


def test_demo_admin_password_is_not_reset_on_a_second_run(settings):
    call_command("load_demo")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed-by-the-owner")
    admin.save()
    call_command("load_demo")
    admin.refresh_from_db()
    assert admin.check_password("changed-by-the-owner")


def test_demo_pages_render_in_both_languages(client):
    call_command("load_demo")
    assert "عن الجمعية" in client.get("/ar/about/").content.decode()
    assert "About the association" in client.get("/en/about/").content.decode()


def test_the_demo_inbox_is_searchable_at_once():
    from forms.models import Complaint, HelpRequest, VolunteerApplication
    from search.models import SearchPending, SubmissionEntry

    call_command("load_demo")
    total = (
        HelpRequest.objects.count()
        + VolunteerApplication.objects.count()
        + Complaint.objects.count()
    )
    assert total >= 15 and SubmissionEntry.objects.count() == total
    assert not SearchPending.objects.exists()
