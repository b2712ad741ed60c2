"""Browser test: open an answer by its link, vote, search from the header in both languages."""

import pytest

from django.core.management import call_command

from cms.models import FAQFeedback

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def test_open_an_answer_by_its_link_and_vote(page, demo_site, screenshot):
    page.goto(f"{demo_site}/ar/faq/#how-long")
    answer = page.locator("details#how-long")
    assert answer.get_attribute("open") is not None  # the link opens that answer
    assert "أسبوعان" in answer.inner_text()
    answer.get_by_role("button", name="نعم").click()
    page.wait_for_url("**/ar/faq/?thanks=how-long#how-long")
    assert "شكرًا لتقييمك." in page.locator("details#how-long").inner_text()
    screenshot("faq-answer-ar")
    feedback = FAQFeedback.objects.get(faq__slug="how-long")
    assert (feedback.language, feedback.helpful) == ("ar", 1)

    page.goto(f"{demo_site}/en/faq/#zakat")
    assert "Available in Arabic only" in page.locator("details#zakat").inner_text()
    screenshot("faq-en")


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("ar", "مُساعَدة", "كيف أقدم طلب مساعدة؟"),
        ("en", "volunteer", "How do I volunteer with the association?"),
    ],
)
def test_search_from_the_header(page, demo_site, screenshot, language, query, expected):
    page.goto(f"{demo_site}/{language}/")
    box = page.locator("#header-search-q")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(f"**/{language}/search/?q=*")
    assert page.locator("#search-page-q").input_value() == query
    first = page.locator(".search-result").first
    assert expected in first.inner_text()
    assert first.locator("mark").count() >= 1
    screenshot(f"search-{language}")
