"""Arabic first, English twin: prefixes, redirects, direction, switcher, alternates, errors."""

import re

import pytest

from django.test import RequestFactory
from django.utils import translation

from portal.views import server_error

pytestmark = pytest.mark.django_db


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_root_redirects_to_arabic_when_the_browser_asks_for_nothing(client, home):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_root_redirects_to_arabic_for_a_language_the_site_does_not_speak(client, home):
    response = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert response["Location"] == "/ar/"


def test_root_redirects_to_english_for_an_english_browser(client, home):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Location"] == "/en/"


def test_arabic_home_is_right_to_left(client, profile):
    response = client.get("/ar/")
    assert response.status_code == 200
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "الرئيسية" in response.content.decode()


def test_english_home_is_left_to_right(client, profile):
    response = client.get("/en/")
    assert response.status_code == 200
    assert html_tag(response) == '<html lang="en" dir="ltr">'
    assert "Welcome to the association" in response.content.decode()


def test_language_switcher_links_to_the_same_page_in_the_other_language(client, about_page):
    arabic = client.get("/ar/about/").content.decode()
    english = client.get("/en/about/").content.decode()
    assert '<a href="/en/about/" hreflang="en" lang="en" rel="alternate">English</a>' in arabic
    assert 'href="/ar/about/" hreflang="ar" lang="ar"' in english
    assert "About us" in english and "عن الجمعية" in arabic


def test_switcher_keeps_the_query_string(client, about_page):
    page = client.get("/ar/about/?utm_source=sms").content.decode()
    assert 'href="/en/about/?utm_source=sms"' in page


def test_every_page_declares_hreflang_alternates(client, about_page):
    page = client.get("/en/about/").content.decode()
    assert '<link rel="alternate" hreflang="ar" href="http://testserver/ar/about/">' in page
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/about/">' in page


def test_unknown_page_is_a_translated_404_in_arabic(client, profile):
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "الصفحة غير موجودة" in body
    assert 'href="/ar/"' in body


def test_unknown_page_is_a_translated_404_in_english(client, profile):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'content="noindex"' in response.content.decode()


def test_unprefixed_unknown_path_lands_on_the_arabic_404(client, profile):
    response = client.get("/no-such-page/", follow=True)
    assert response.redirect_chain[0][0] == "/ar/no-such-page/"
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "direction"),
    [("ar", "حدث خطأ ما", "rtl"), ("en", "Something went wrong", "ltr")],
)
def test_server_error_page_is_translated_and_needs_no_database(
    language, heading, direction, django_assert_num_queries
):
    request = RequestFactory().get(f"/{language}/")
    with translation.override(language), django_assert_num_queries(0):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert heading in body
    assert f'dir="{direction}"' in body
    assert "Traceback" not in body


def test_an_exception_in_a_view_shows_the_translated_500(client, home, monkeypatch):
    from cms.models import HomePage

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomePage, "serve", explode)
    client.raise_request_exception = False
    response = client.get("/ar/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "حدث خطأ ما" in body
    assert "boom" not in body and "RuntimeError" not in body


def test_page_headings_and_chrome_follow_the_language(client, profile):
    arabic = client.get("/ar/").content.decode()
    english = client.get("/en/").content.decode()
    assert "تخطي إلى المحتوى الرئيسي" in arabic
    assert "Skip to main content" in english
    assert "ترخيص رقم 722" in arabic
    assert "Licence number 722" in english


def test_header_and_footer_show_the_association_profile_in_the_reader_language(client, profile):
    arabic = client.get("/ar/").content.decode()
    english = client.get("/en/").content.decode()
    assert "جمعية الاختبار الخيرية" in arabic
    assert "Test Charity Association" in english
    assert 'href="tel:+966 12 000 0000"' in english
    assert 'href="mailto:info@example.org"' in arabic
