"""The site index: what people mean (plurals, roots, synonyms, rare words, words together), the
board approval and the service pages findable, "did you mean", synonyms edited in the admin."""

import io

import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command

from cms.governance import COMMUNICATIONS_STAFF
from cms.models import FAQ, FAQCategory, FAQPage, PolicyPage
from cms.services import policy_approval_record
from search.index import site as site_index
from search.models import SiteDocument, SynonymSet
from search.site.ranking import find
from tests.cms.conftest import approve, catalogue, make_policy, secretary, term  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(home):
    page = FAQPage(slug="faq", title="الأسئلة الشائعة", title_ar="الأسئلة الشائعة", title_en="FAQ")
    home.add_child(instance=page)
    page.save_revision().publish()
    return FAQCategory.objects.create(slug="general", name="عام", name_ar="عام", name_en="General")


def add_faq(category, slug, question, answer, question_en="", answer_en=""):
    return FAQ.objects.create(
        slug=slug, category=category, question=question, question_ar=question,
        question_en=question_en, answer=f"<p>{answer}</p>", answer_ar=f"<p>{answer}</p>",
        answer_en=f"<p>{answer_en}</p>" if answer_en else "",
    )  # fmt: skip


def keys(client, query, language="ar"):
    data = client.get("/api/v1/search/", {"q": query, "locale": language}).json()
    return [result["key"] for result in data["results"]]


def test_a_broken_plural_finds_the_singular(client, category):
    add_faq(category, "complaint", "كيف أقدم شكوى؟", "أرسل ملاحظتك عبر النموذج.")
    add_faq(category, "other", "ما مواعيد العمل؟", "من الأحد إلى الخميس.")
    assert keys(client, "الشكاوى")[:1] == ["faq:complaint"]
    assert keys(client, "شكاوي")[:1] == ["faq:complaint"]


def test_a_rare_word_outweighs_a_common_one(client, category):
    for number in range(6):
        add_faq(category, f"common-{number}", f"خدمات المستفيدين رقم {number}", "للمستفيدين خدمات.")
    add_faq(category, "questions", "أين أرسل تساؤلاتي؟", "نرد على كل تساؤل يصل من المستفيدين.")
    assert keys(client, "تساؤلات المستفيدين")[0] == "faq:questions"


def test_words_together_and_in_order_rank_first(client, category):
    add_faq(category, "search-only", "البحث في الموقع", "البحث عن السياسات والأسئلة والبحث السريع.")
    add_faq(category, "social", "من يدرس حالتي؟", "يتولى الباحث الاجتماعي البحث الاجتماعي للحالة.")
    assert keys(client, "البحث الاجتماعي")[0] == "faq:social"


def test_a_spelling_variant_and_a_synonym_find_the_same_answer(client, category):
    add_faq(category, "satisfaction", "كيف أقيّم رضا الخدمة؟", "قياس رضا المستفيد حق له.")
    assert keys(client, "رضى")[:1] == ["faq:satisfaction"]
    add_faq(category, "support", "ما أنواع الدعم؟", "دعم مالي وعيني.")
    assert "faq:support" in keys(client, "إعانة")  # a default synonym of دعم


def test_question_words_alone_find_nothing(client, category):
    add_faq(category, "how", "كيف أتطوع؟", "سجل في المنصة.", "How do I volunteer?", "Register.")
    for query in ("كيف", "متى", "كم", "هل", "what", "how"):
        assert keys(client, query) == [], query
    assert keys(client, "كيف أتطوع")[0] == "faq:how"


def test_the_board_approval_is_found_in_arabic_and_english(client, catalogue, secretary, term):  # noqa: F811
    policy = make_policy(catalogue, slug="beneficiaries")
    make_policy(catalogue, slug="unapproved", title_ar="سياسة لم تعتمد")
    approve(policy, secretary, term)
    for query, language in (
        ("اعتماد مجلس الإدارة للسياسة", "ar"),
        ("board approval", "en"),
        ("عبدالله القحطاني", "ar"),  # a member present at the meeting
        ("13/11/1445", "ar"),  # the meeting's Hijri date
    ):
        data = client.get("/api/v1/search/", {"q": query, "locale": language}).json()
        first = data["results"][0]
        assert first["key"] == "policy:beneficiaries", query
        assert first["url"].endswith("#approval-heading"), query
        assert "policy:unapproved" not in [r["key"] for r in data["results"]]
    html = client.get("/en/search/", {"q": "board approval"}).content.decode()
    assert "Board approval" in html and "#approval-heading" in html


def test_an_approval_recorded_without_a_board_term_is_indexed(client, catalogue, secretary, term):  # noqa: F811
    policy = make_policy(catalogue, slug="termless")
    policy_approval_record(
        revision=PolicyPage.objects.get(pk=policy.pk).get_latest_revision(),
        user=secretary,
        meeting_number="7",
        term=None,
        meeting_date=term.starts_on,
        members=list(term.members.all()),
    )
    data = client.get("/api/v1/search/", {"q": "board approval", "locale": "en"}).json()
    assert data["results"][0]["key"] == "policy:termless"
    page = PolicyPage.objects.get(pk=policy.pk)
    for path in (page.url, page.url + "history/", "/api/v1/policies/termless/"):
        assert client.get(path).status_code == 200, path


def test_service_pages_are_found_and_say_what_they_are(client, home):
    data = client.get("/api/v1/search/", {"q": "أريد التطوع", "locale": "ar"}).json()
    assert data["results"][0]["key"] == "service:volunteer"
    assert data["results"][0]["url"].endswith("/ar/volunteer/")
    assert data["results"][0]["kind_label"] == "خدمة"
    english = client.get("/api/v1/search/", {"q": "request support", "locale": "en"}).json()
    assert english["results"][0]["key"] == "service:help-request"
    assert english["results"][0]["kind_label"] == "Service"


def test_did_you_mean_offers_an_indexed_word(client, category):
    add_faq(category, "volunteer", "كيف أتطوع؟", "سجل في المنصة الوطنية للعمل التطوعي.")
    # The typo finds what the word it looks like finds, and the reader is told the word.
    data = client.get("/api/v1/search/", {"q": "المنصظ", "locale": "ar"}).json()
    assert data["suggestion"] == "المنصة"
    assert [r["key"] for r in data["results"]] == ["faq:volunteer"]
    assert keys(client, data["suggestion"])[:1] == ["faq:volunteer"]
    nothing = client.get("/api/v1/search/", {"q": "قثصفغع", "locale": "ar"}).json()
    assert nothing["count"] == 0 and nothing["suggestion"] == ""
    html = client.get("/ar/search/", {"q": "المنصظ"}).content.decode()
    assert "هل تقصد" in html and "?q=%D8%A7%D9%84%D9%85%D9%86%D8%B5%D8%A9" in html


def test_synonyms_edited_in_the_admin_take_effect(client, category):
    add_faq(category, "orphans", "هل ترعون الأيتام؟", "نعم، برنامج رعاية الأيتام.")
    assert keys(client, "كفالة") == []
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name=COMMUNICATIONS_STAFF))
    client.force_login(editor)
    add_url = "/admin/search/synonyms/add/"
    refused = client.post(add_url, {"words": "كفالة اليتيم، رعاية", "note": ""})
    assert refused.status_code == 200 and not SynonymSet.objects.filter(words__contains="كفالة")
    assert "كلمة واحدة" in refused.content.decode()  # each entry must be a single word
    created = client.post(add_url, {"words": "كفالة، رعاية", "note": "orphans"})
    assert created.status_code == 302
    client.logout()
    assert keys(client, "كفالة") == ["faq:orphans"]
    synonyms = SynonymSet.objects.get(note="orphans")
    synonyms.delete()
    assert keys(client, "كفالة") == []


def test_the_index_follows_questions_being_changed_and_deleted(client, category):
    faq = add_faq(category, "zakat", "هل تقبلون الزكاة؟", "نعم.")
    assert keys(client, "الزكاة") == ["faq:zakat"]
    faq.question_ar = faq.question = "هل تقبلون الصدقات؟"
    faq.save()
    assert keys(client, "الزكاة") == [] and keys(client, "صدقة") == ["faq:zakat"]
    faq.delete()
    assert not SiteDocument.objects.filter(kind="faq", key__endswith=":zakat").exists()


def test_the_same_terms_reach_the_database_and_elasticsearch():
    from search.index.site_elastic import SiteEntry

    document = site_index.SiteDocumentText(
        key="faq:x", kind="faq", site_id=None, title="الشكاوى والمقترحات", body="Complaints"
    )
    entry = SiteEntry.from_text(document).to_dict()
    fields = site_index.document_fields(document)
    assert entry["title"].split() == fields[site_index.Field.TITLE]
    assert entry["roots"].split() == fields[site_index.Field.ROOTS]
    assert "complaint" in entry["body"].split()


def test_found_results_are_read_only_for_the_page_shown(category, django_assert_max_num_queries):
    for number in range(30):
        add_faq(category, f"q{number}", f"سؤال عن الدعم رقم {number}", "الدعم متاح.")
    found = find("الدعم")
    assert sum(key.startswith("faq:") for key in found.keys) == 30
    with django_assert_max_num_queries(25):
        assert len(found.results(0, 10)) == 10


def test_an_emptied_index_is_rebuilt_only_when_incomplete(catalogue, secretary, term):  # noqa: F811
    policy = make_policy(catalogue, slug="kept")
    approve(policy, secretary, term)
    out = io.StringIO()
    call_command("rebuild_site_index", "--if-incomplete", stdout=out)
    assert "complete" in out.getvalue()
    SiteDocument.objects.all().delete()  # what a migration changing the index's shape does
    out = io.StringIO()
    call_command("rebuild_site_index", "--if-incomplete", stdout=out)
    assert "missing" in out.getvalue() and "rebuilt" in out.getvalue()
    assert SiteDocument.objects.filter(key__contains="kept").exists()
