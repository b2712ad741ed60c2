"""The home page, content pages, the association profile and their editing forms."""

import pytest

from tests.factories import ContentPageFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_menu_links_only_to_live_pages_marked_for_menus(client, home, about_page):
    ContentPageFactory(parent=home, slug="hidden", title_en="Hidden", show_in_menus=False)
    draft = ContentPageFactory(parent=home, slug="draft", title_en="Draft page")
    draft.unpublish()
    page = client.get("/en/").content.decode()
    assert 'href="/en/about/"' in page
    assert "/en/hidden/" not in page
    assert "/en/draft/" not in page


def test_draft_content_page_is_not_public(client, about_page):
    about_page.unpublish()
    assert client.get("/ar/about/").status_code == 404


def test_home_lists_its_sections(client, about_page):
    page = client.get("/en/").content.decode()
    assert "On this site" in page
    assert "About the association" in page


def test_footer_leaves_out_contact_lines_that_are_empty(client, home):
    page = client.get("/en/").content.decode()
    assert "Contact us" not in page
    assert "Follow us" not in page


@pytest.fixture
def editor_client(client):
    admin = UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_page_editor_holds_both_languages_in_one_form(editor_client, about_page):
    html = editor_client.get(f"/admin/pages/{about_page.pk}/edit/").content.decode()
    for field in ("title_ar", "title_en", "intro_ar", "intro_en", "body_ar", "body_en"):
        assert f'name="{field}"' in html, field


def test_admin_loads_the_right_to_left_script_for_arabic_fields(editor_client, about_page):
    html = editor_client.get(f"/admin/pages/{about_page.pk}/edit/").content.decode()
    assert "cms/admin/bilingual-fields.js" in html
    assert "cms/admin/bilingual-fields.css" in html


def test_association_profile_is_edited_in_both_languages(editor_client, home):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    html = editor_client.get(f"/admin/settings/cms/associationprofile/{site.pk}/").content.decode()
    for field in ("name_ar", "name_en", "address_ar", "address_en", "licence_number"):
        assert f'name="{field}"' in html, field


def test_admin_follows_the_users_language(client, home):
    from wagtail.users.models import UserProfile

    user = UserFactory(username="english_editor", is_staff=True, is_superuser=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert 'lang="en"' in html and 'dir="ltr"' in html


def test_english_reader_of_an_arabic_only_page_sees_the_label(client, home):
    from tests.factories import ContentPageFactory

    ContentPageFactory(
        parent=home,
        slug="arabic-only",
        title_en="Arabic only",
        body_ar="<p>نص عربي فقط</p>",
        body_en="",
    )
    html = client.get("/en/arabic-only/").content.decode()
    assert "Available in Arabic only" in html
    assert '<div lang="ar" dir="rtl"><p>نص عربي فقط</p></div>' in html
    assert "Available in Arabic only" not in client.get("/ar/arabic-only/").content.decode()
