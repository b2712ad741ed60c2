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
    # The answer is among the first results (a service page may lead: "Volunteer with us").
    top = page.locator(".search-result").all()[:2]
    assert any(expected in result.inner_text() for result in top)
    assert top[0].locator("mark").count() >= 1
    screenshot(f"search-{language}")


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize(
    ("language", "query", "kind", "section"),
    [
        ("ar", "اعتماد مجلس الإدارة للسياسة", "السياسة", "اعتماد مجلس الإدارة"),
        ("en", "board approval", "Policy", "Board approval"),
    ],
)
def test_the_approval_and_what_each_result_is(
    page, demo_site, screenshot, width, language, query, kind, section
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{demo_site}/{language}/search/?q={query}")
    first = page.locator(".search-result").first
    eyebrow = first.locator(".eyebrow").inner_text()
    assert kind in eyebrow and section in eyebrow
    assert "#approval-heading" in first.locator("a").first.get_attribute("href")
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_overflow)
    screenshot(f"search-approval-{language}-{width}")
    page.goto(f"{demo_site}/{language}/search/?q=المنصظ")
    assert page.locator(".search-suggestion a").count() == 1
    screenshot(f"search-did-you-mean-{language}-{width}")
    first.page.goto(
        f"{demo_site}/{language}/search/?q=volunteer"
        if language == "en"
        else f"{demo_site}/{language}/search/?q=أبي أتطوع"
    )
    screenshot(f"search-service-{language}-{width}")
