"""The public FAQ page: grouped, linkable answers, votes without personal data, structured data."""

import json
import re

import pytest

from cms.models import FAQFeedback
from tests.search.test_site_search import faqs  # noqa: F401

pytestmark = pytest.mark.django_db


def test_faqs_are_grouped_with_stable_anchors_and_disclosures(client, faqs):  # noqa: F811
    html = client.get("/ar/faq/").content.decode()
    assert '<details class="faq" id="help">' in html
    assert 'id="category-requests"' in html
    assert "<summary>" in html  # works without JavaScript


def test_structured_data_is_faqpage_json_ld_in_the_reader_language(client, faqs):  # noqa: F811
    html = client.get("/en/faq/").content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == "How do I ask for help?"
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == "Apply on the website."


def test_vote_is_counted_per_answer_and_language_once_per_browser(client, faqs):  # noqa: F811
    first = client.post("/ar/faq/vote/help/", {"helpful": "yes"})
    assert first.status_code == 302 and first["Location"].endswith("#help")
    client.post("/ar/faq/vote/help/", {"helpful": "yes"})  # a repeat is ignored
    client.post(
        "/en/faq/vote/help/", {"helpful": "no"}
    )  # the cookie covers the answer, not the language
    feedback = FAQFeedback.objects.get(faq=faqs["help"])
    assert (feedback.language, feedback.helpful, feedback.not_helpful) == ("ar", 1, 0)
    html = client.get("/ar/faq/").content.decode()
    assert "لقد قيّمت هذه الإجابة من قبل" in html


def test_another_browser_can_vote_and_no_personal_data_is_kept(client, django_user_model, faqs):  # noqa: F811
    from django.test import Client

    client.post("/en/faq/vote/help/", {"helpful": "no"})
    Client().post("/en/faq/vote/help/", {"helpful": "no"})
    feedback = FAQFeedback.objects.get(faq=faqs["help"], language="en")
    assert feedback.not_helpful == 2
    assert {f.name for f in FAQFeedback._meta.get_fields()} == {
        "id",
        "faq",
        "language",
        "helpful",
        "not_helpful",
    }


def test_bad_votes_change_nothing(client, faqs):  # noqa: F811
    client.post("/ar/faq/vote/help/", {"helpful": "maybe"})
    assert client.post("/ar/faq/vote/no-such-question/", {"helpful": "yes"}).status_code == 404
    assert client.get("/ar/faq/vote/help/").status_code == 302
    assert not FAQFeedback.objects.exists()


def test_votes_need_the_csrf_token(faqs):  # noqa: F811
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/ar/faq/vote/help/", {"helpful": "yes"}).status_code == 403
    assert not FAQFeedback.objects.exists()


def test_english_page_labels_arabic_only_answers(client, faqs):  # noqa: F811
    html = client.get("/en/faq/").content.decode()
    block = html[html.index('id="arabic-only"') :]
    assert "Available in Arabic only" in block[:1500]


def test_staff_see_helpfulness_counts_and_missing_translations(client, faqs):  # noqa: F811
    from tests.factories import UserFactory

    client.post("/ar/faq/vote/help/", {"helpful": "yes"})
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    listing = client.get("/admin/snippets/cms/faq/").content.decode()
    assert "كيف أطلب المساعدة؟" in listing
    report = client.get("/admin/reports/missing-translations/").content.decode()
    assert "هل تقبلون الزكاة؟" in report
    assert "question (en)" in report and "answer (en)" in report


def test_votes_are_limited_per_client_address(client, faqs):  # noqa: F811
    from cms.models.faqs import FAQ_VOTES_PER_CLIENT

    answers = []
    for _ in range(FAQ_VOTES_PER_CLIENT + 5):
        client.cookies.clear()  # a script that drops the cookie, from one address
        answers.append(client.post("/ar/faq/vote/help/", {"helpful": "yes"}).status_code)
    assert answers == [302] * FAQ_VOTES_PER_CLIENT + [429] * 5
    assert FAQFeedback.objects.get(faq=faqs["help"]).helpful == FAQ_VOTES_PER_CLIENT
    refused = client.post("/ar/faq/vote/help/", {"helpful": "yes"})
    assert "عدد كبير من التقييمات" in refused.content.decode()
    elsewhere = client.post("/ar/faq/vote/help/", {"helpful": "yes"}, REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 302
