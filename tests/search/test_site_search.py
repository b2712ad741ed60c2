"""Site search through the page, the header box and the API, on SQLite and PostgreSQL."""

import pytest

from cms.models import FAQ, FAQCategory, FAQPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def faqs(home):
    page = FAQPage(slug="faq", title="الأسئلة الشائعة", title_ar="الأسئلة الشائعة", title_en="FAQ")
    home.add_child(instance=page)
    page.save_revision().publish()
    category = FAQCategory.objects.create(
        slug="requests", name="الطلبات", name_ar="الطلبات", name_en="Requests"
    )
    made = {}
    for slug, q_ar, a_ar, q_en, a_en in [
        (
            "help",
            "كيف أطلب المساعدة؟",
            "<p>قدّم طلب المساعدة من الموقع.</p>",
            "How do I ask for help?",
            "<p>Apply on the website.</p>",
        ),
        (
            "questions",
            "أين أرسل استفسار؟",
            "<p>أرسل كل استفسار عبر الهاتف.</p>",
            "Where do I send a question?",
            "<p>By phone.</p>",
        ),
        ("arabic-only", "هل تقبلون الزكاة؟", "<p>نعم نقبل الزكاة.</p>", "", ""),
    ]:
        made[slug] = FAQ.objects.create(
            slug=slug, category=category, question=q_ar, question_ar=q_ar, question_en=q_en,
            answer=a_ar, answer_ar=a_ar, answer_en=a_en,
        )  # fmt: skip
    return made


def result_keys(client, language, query):
    return [
        r["key"]
        for r in client.get(f"/api/v1/search/?locale={language}", {"q": query}).json()["results"]
    ]


@pytest.mark.parametrize("query", ["مساعده", "المساعدة", "مُساعَدة", "المســاعدة", "مساعدة"])
def test_spelling_variants_find_the_same_faq(client, faqs, query):
    assert result_keys(client, "ar", query)[0] == "faq:help"


def test_plural_with_article_finds_the_singular(client, faqs):
    assert "faq:questions" in result_keys(client, "ar", "الاستفسارات")


def test_search_page_shows_title_section_and_highlighted_snippet(client, faqs):
    html = client.get("/ar/search/", {"q": "مساعده"}).content.decode()
    assert 'href="/ar/faq/#help"' in html
    assert "<mark>المساعدة</mark>" in html
    assert 'value="مساعده"' in html  # the query stays in the box
    assert "الطلبات" in html  # the category is the result's section


def test_english_reader_sees_arabic_only_items_with_a_label(client, faqs):
    html = client.get("/en/search/", {"q": "الزكاة"}).content.decode()
    assert "Available in Arabic only" in html
    assert 'lang="ar" dir="rtl"' in html


def test_empty_result_suggests_categories(client, faqs):
    html = client.get("/ar/search/", {"q": "كلمةغيرموجودةأبدا"}).content.decode()
    assert "لم يُعثر على ما يطابق بحثك" in html
    assert 'href="/ar/faq/#category-requests"' in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 2000,
        "' OR 1=1; DROP TABLE wagtailcore_page; --",
        "<script>alert(1)</script>",
        "%00\x00",
    ],
)
def test_bad_queries_return_a_normal_page(client, faqs, query):
    # A NUL byte is refused before the search runs (portal.middleware.QueryGuardMiddleware).
    expected = 400 if "\x00" in query else 200
    response = client.get("/ar/search/", {"q": query})
    assert response.status_code == expected
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert FAQ.objects.count() == 3
    api = client.get("/api/v1/search/", {"q": query})
    assert api.status_code == expected


def test_paging_keeps_the_query(client, faqs, monkeypatch):
    monkeypatch.setattr("search.site.views.PAGE_SIZE", 1)
    html = client.get("/ar/search/", {"q": "الزكاة المساعدة استفسار"}).content.decode()
    assert "page=2" in html and "q=%D8%A7%D9%84%D8%B2%D9%83%D8%A7%D8%A9" in html


def test_header_has_a_search_box_in_both_languages(client, faqs):
    assert 'action="/ar/search/"' in client.get("/ar/faq/").content.decode()
    assert 'action="/en/search/"' in client.get("/en/faq/").content.decode()


def test_faqs_api_filters_by_category_and_query(client, faqs):
    data = client.get("/api/v1/faqs/?locale=en&category=requests").json()
    assert [item["slug"] for item in data] == ["help", "questions", "arabic-only"]
    assert data[2]["content_language"] == "ar" and data[2]["question"] == "هل تقبلون الزكاة؟"
    assert data[0]["question"] == "How do I ask for help?"
    found = client.get("/api/v1/faqs/", {"q": "المساعده", "locale": "ar"}).json()
    assert found[0]["slug"] == "help"
    assert client.get("/api/v1/faqs/?category=nope").status_code == 400


def test_search_api_is_in_the_schema(client, home):
    paths = client.get("/api/schema/", headers={"accept": "application/json"}).json()["paths"]
    assert {"/api/v1/faqs/", "/api/v1/search/"} <= set(paths)


def test_pages_api_returns_the_requested_language(client, faqs):
    page = FAQPage.objects.get()
    assert client.get(f"/api/v2/pages/{page.pk}/?locale=en").json()["title"] == "FAQ"
    assert client.get(f"/api/v2/pages/{page.pk}/?locale=ar").json()["title"] == "الأسئلة الشائعة"
