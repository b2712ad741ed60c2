"""The public door of every kind offered on the website: steps with progress, drafts saved as
the applicant goes (encrypted, expiring, resumable from a link sent by SMS), the required
documents asked for by name, the tracking lookup by reference and mobile number, the services
in the navigation, and pages no cache keeps."""

import datetime as dt
import re

import pytest

from django.test import TestCase
from django.utils import timezone

from forms import sms
from forms.casework import drafts
from forms.casework.selectors import document_checklist
from forms.models import Attachment, FormDraft, HelpRequest, StatusEvent, SupportType
from tests.forms.helpers import document_files, help_form_data, pdf, post_steps, saudi_id

pytestmark = pytest.mark.django_db
URL = "/ar/help-request/"


@pytest.fixture
def client_class():
    from django.test import Client

    return Client


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _file(client, language="ar", uploads=None, **overrides):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return post_steps(
            client, f"/{language}/help-request/", help_form_data(**overrides), uploads or {}
        )


# --- steps and drafts ----------------------------------------------------------------------------


def test_each_step_is_saved_encrypted_and_nothing_personal_is_in_its_address(client, home):
    national_id = saudi_id(body="31415926")
    response = post_steps(client, URL, help_form_data(national_id=national_id), stop_at=2)
    assert response.status_code == 302 and response["Location"] == f"{URL}?step=3"
    draft = FormDraft.objects.get()
    assert draft.kind == "help" and draft.reached == 3
    stored = bytes(draft.payload)
    assert national_id.encode() not in stored and "فاطمة".encode() not in stored
    assert drafts.decrypt(stored)["national_id"] == [national_id]
    assert national_id not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "الخطوة 3 من 6" in page and "عدد أفراد الأسرة" in page


def test_a_draft_encrypted_with_another_key_cannot_be_read(client, home, settings):
    post_steps(client, URL, help_form_data(), stop_at=2)
    draft = FormDraft.objects.get()
    settings.FORM_DRAFT_KEY = "bXktb3RoZXIta2V5LWZvci1kcmFmdHMtMDEyMzQ1Njc="
    assert drafts.draft_data(draft) == {}


def test_a_key_rotation_still_reads_old_drafts(client, home, settings):
    from cryptography.fernet import Fernet

    old = Fernet.generate_key().decode()
    settings.FORM_DRAFT_KEY = old
    post_steps(client, URL, help_form_data(), stop_at=2)
    settings.FORM_DRAFT_KEY = f"{Fernet.generate_key().decode()},{old}"
    assert drafts.draft_data(FormDraft.objects.get())["full_name"] == ["فاطمة بنت علي الحربي"]


def test_the_answers_come_back_on_a_new_page_load(client, home):
    post_steps(client, URL, help_form_data(district="حي النسيم"), stop_at=4)
    page = client.get(f"{URL}?step=4").content.decode()
    assert 'value="حي النسيم"' in page
    page = client.get(f"{URL}?step=2").content.decode()  # going back keeps the answers
    assert 'value="فاطمة بنت علي الحربي"' in page


def test_autosave_keeps_what_is_typed_before_continue(client, home):
    client.get(URL)
    answer = client.post(
        URL, {"step": 1, "action": "autosave", **{"support_type": help_form_data()["support_type"]}}
    )
    assert answer.status_code == 204
    assert drafts.draft_data(FormDraft.objects.get())["support_type"] == [
        str(help_form_data()["support_type"])
    ]


def test_a_step_cannot_be_skipped(client, home):
    client.get(URL)
    page = client.get(f"{URL}?step=5")
    assert "الخطوة 1 من 6" in page.content.decode()


def test_the_resume_link_by_sms_opens_the_draft_in_another_browser(client, home, client_class):
    post_steps(client, URL, help_form_data(), stop_at=3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = client.post(URL, {"step": 4, "action": "resume_link", "resume_mobile": "٠٥٥١٢٣٤٥٦٧"})
    assert sent.status_code == 200 and "أرسلنا الرابط" in sent.content.decode()
    assert len(sms.outbox) == 1 and sms.outbox[0]["to"] == "+966551234567"
    link = re.search(r"https?://\S+", sms.outbox[0]["message"])[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    other = client_class()
    opened = other.get(f"/{path}")
    assert opened.status_code == 302 and opened["Location"] == f"{URL}?step=4"
    assert "/resume/" not in opened["Location"]
    page = other.get(opened["Location"]).content.decode()
    assert "الخطوة 4 من 6" in page
    earlier = other.get(f"{URL}?step=2").content.decode()
    assert 'value="فاطمة بنت علي الحربي"' in earlier


def test_resume_links_are_limited_per_draft(client, home):
    post_steps(client, URL, help_form_data(), stop_at=1)
    for _ in range(3):
        client.post(URL, {"step": 2, "action": "resume_link", "resume_mobile": "0551234567"})
    refused = client.post(URL, {"step": 2, "action": "resume_link", "resume_mobile": "0551234567"})
    assert "أُرسل عدد كبير من الروابط" in refused.content.decode()
    assert FormDraft.objects.get().links_sent == 3


def test_an_expired_draft_is_gone_and_purged(client, home, client_class):
    post_steps(client, URL, help_form_data(), stop_at=2)
    token = client.cookies["sila_draft_help"].value
    FormDraft.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    page = client.get(URL).content.decode()
    assert "الخطوة 1 من 6" in page and "فاطمة" not in page
    assert client_class().get(f"/ar/resume/help/{token}/").status_code == 404
    assert drafts.drafts_purge_expired() == 1 and not FormDraft.objects.exists()


def test_a_draft_expires_the_configured_days_after_its_last_save(client, home, settings):
    settings.FORM_DRAFT_DAYS = 3
    post_steps(client, URL, help_form_data(), stop_at=1)
    left = FormDraft.objects.get().expires_at - timezone.now()
    assert dt.timedelta(days=2, hours=23) < left <= dt.timedelta(days=3)


def test_filing_deletes_the_draft(client, home):
    assert _file(client, uploads=document_files()).status_code == 302
    assert not FormDraft.objects.exists()
    assert not client.cookies["sila_draft_help"].value


def test_an_error_on_an_earlier_step_is_shown_on_that_step(client, home):
    data = help_form_data()
    post_steps(client, URL, data, stop_at=5)
    # the applicant's national ID turns invalid in the draft (e.g. edited in another tab)
    draft = FormDraft.objects.get()
    answers = drafts.draft_data(draft)
    answers["national_id"] = ["1234567890"]
    FormDraft.objects.filter(pk=draft.pk).update(payload=drafts.encrypt(answers))
    final = client.post(URL, {**data, "national_id": "", "step": 6, "action": "next"})
    assert final.status_code == 400 and final.context["step_number"] == 2


# --- choices without a default --------------------------------------------------------------------


def test_no_answer_is_preselected_and_marital_status_speaks_to_everyone(client, home):
    page = client.get(f"{URL}?step=1").content.decode()
    assert "checked" not in page.split('class="public-form"')[1].split("</form>")[0]
    post_steps(client, URL, help_form_data(), stop_at=1)
    about = client.get(f"{URL}?step=2").content.decode()
    assert "أرمل / أرملة" in about and "متزوج / متزوجة" in about
    fieldset = about.split('id="field-marital_status"')[1].split("</fieldset>")[0]
    assert "checked" not in fieldset  # only step 1 was answered: nothing is chosen for them


def test_required_answers_say_what_to_do(client, home):
    response = post_steps(client, URL, help_form_data(full_name="", gender=""), stop_at=2)
    html = response.content.decode()
    assert response.status_code == 400
    assert "أدخل اسمك الكامل كما في الهوية." in html and "اختر الجنس." in html
    assert "هذا الحقل مطلوب" not in html


# --- required documents ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["financial", "housing", "education", "health", "food"])
def test_each_type_asks_for_its_documents_by_name(client, home, slug):
    support_type = SupportType.objects.get(slug=slug)
    response = post_steps(client, URL, help_form_data(support_type=support_type.pk), stop_at=5)
    last = client.get(response["Location"]).content.decode()
    for name in support_type.document_list():
        assert name in last
    refused = client.post(URL, {**help_form_data(support_type=support_type.pk), "step": 6})
    assert refused.status_code == 400 and not HelpRequest.objects.exists()
    summary = refused.content.decode().split('class="error-summary"')[1].split("</div>")[0]
    assert all(name in summary for name in support_type.document_list())


def test_a_request_without_documents_waits_for_them_with_the_missing_list(client, home):
    housing = SupportType.objects.get(slug="housing")
    names = housing.document_list()
    response = _file(
        client,
        support_type=housing.pk,
        uploads={"document_0": pdf("id.pdf")},
        documents_later="on",
    )
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert request.status == "information_needed"
    waiting = StatusEvent.objects.of(request).get(to_status="information_needed")
    assert waiting.public and names[1] in waiting.message and names[2] in waiting.message
    assert names[0] not in waiting.message
    assert Attachment.objects.get().document == names[0]
    checklist = document_checklist(request)
    assert [(name, len(files)) for name, files in checklist] == [
        (names[0], 1),
        (names[1], 0),
        (names[2], 0),
    ]
    track = client.get(f"/ar/track/help/{request.reference}/{request.tracking_key}/")
    assert names[1] in track.content.decode()


def test_the_checklist_reads_in_the_staff_language(client, home):
    _file(client, language="en", uploads=document_files())
    request = HelpRequest.objects.get()
    from django.utils import translation

    with translation.override("ar"):
        checklist = document_checklist(request)
    assert all(files for _name, files in checklist)
    assert checklist[0][0] == "صورة الهوية الوطنية أو الإقامة"


# --- tracking lookup -----------------------------------------------------------------------------


def _lookup(client, reference, mobile="0551234567"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/ar/track/", {"reference": reference, "mobile": mobile})


def test_the_lookup_sends_a_code_that_shows_and_resends_the_tracking_link(client, home):
    _file(client, uploads=document_files())
    request = HelpRequest.objects.get()
    sms.outbox.clear()
    answer = _lookup(client, request.reference.lower(), "+966 55 123 4567")
    assert answer.status_code == 302 and answer["Location"] == "/ar/track/code/"
    assert "0551234567" not in answer["Location"] and request.reference not in answer["Location"]
    code = re.search(r"\d{6}", sms.outbox[0]["message"])[0]
    assert sms.outbox[0]["to"] == "+966551234567"
    handle = client.cookies["sila_track_lookup"].value
    with TestCase.captureOnCommitCallbacks(execute=True):
        shown = client.post(
            "/ar/track/code/", {"code": "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in code)}
        )
    assert shown.status_code == 302
    assert shown["Location"] == f"/ar/track/help/{request.reference}/{request.tracking_key}/"
    assert request.tracking_key in sms.outbox[1]["message"]
    # a code works once, even for a browser that kept the lookup
    client.cookies["sila_track_lookup"] = handle
    assert client.post("/ar/track/code/", {"code": code}).status_code == 400


def test_the_lookup_reveals_nothing_about_whether_a_reference_exists(client, home, client_class):
    _file(client, uploads=document_files())
    request = HelpRequest.objects.get()
    sms.outbox.clear()
    first, second = client_class(), client_class()
    wrong_mobile = _lookup(first, request.reference, "0559999999")
    no_such = _lookup(second, "HR-2026-999999", "0551234567")
    assert wrong_mobile.status_code == no_such.status_code == 302
    page_one = first.get("/ar/track/code/").content.decode()
    page_two = second.get("/ar/track/code/").content.decode()
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(page_one) == strip(page_two)
    assert sms.outbox == []
    for guess in ("000000", "123456"):
        refused = first.post("/ar/track/code/", {"code": guess})
        assert refused.status_code == 400 and "الرمز غير صحيح" in refused.content.decode()


def test_codes_have_few_tries_and_lookups_are_rate_limited(client, home, client_class):
    _file(client, uploads=document_files())
    request = HelpRequest.objects.get()
    sms.outbox.clear()
    _lookup(client, request.reference)
    code = re.search(r"\d{6}", sms.outbox[0]["message"])[0]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/ar/track/code/", {"code": wrong})
    assert client.post("/ar/track/code/", {"code": code}).status_code == 400  # used up
    for _ in range(4):
        _lookup(client_class(), request.reference)
    blocked = _lookup(client_class(), request.reference)
    assert blocked.status_code == 400 and "محاولات كثيرة" in blocked.content.decode()


def test_a_malformed_lookup_gets_clear_errors(client, home):
    answer = client.post("/ar/track/", {"reference": "abc", "mobile": "12"})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "أدخل الرقم المرجعي كما في إيصالك" in html and 'href="#id_mobile"' in html


# --- the tracking page, the services, the caches ------------------------------------------------


def test_the_tracking_page_shows_the_stages_and_what_comes_next(client, home):
    receipt = _file(client, uploads=document_files())
    request = HelpRequest.objects.get()
    html = client.get(
        f"/ar/track/help/{request.reference}/{request.tracking_key}/"
    ).content.decode()
    assert 'aria-current="step"' in html and "الخطوة التالية:" in html
    assert "هـ" in html  # the promised date in both calendars
    assert receipt.status_code == 302


def test_every_page_offers_the_services(client, home, about_page):
    for path in ("/ar/", "/ar/about/", "/en/about/"):
        html = client.get(path).content.decode()
        header = html[
            html.index('class="site-nav"') : html.index("</nav>", html.index('class="site-nav"'))
        ]
        footer = html[html.index('id="footer-services"') :]
        for url in ("help-request/", "volunteer/", "track/"):
            assert url in header and url in footer


@pytest.mark.parametrize("path", ["/ar/help-request/", "/ar/volunteer/", "/ar/track/"])
def test_intake_pages_are_never_cached(client, home, path):
    assert "no-store" in client.get(path)["Cache-Control"]


def test_the_theme_follows_the_association_and_stays_readable(client, profile):
    from portal.views import contrast_with_white

    profile.brand_colour = "#7fd1ae"  # too light for white text
    profile.save()
    css = client.get("/theme.css").content.decode()
    brand = re.search(r"--colour-brand: (#[0-9a-f]{6})", css)[1]
    rgb = tuple(int(brand[i : i + 2], 16) for i in (1, 3, 5))
    assert contrast_with_white(rgb) >= 4.5


def test_the_home_heading_is_the_association_name(client, profile):
    html = client.get("/ar/").content.decode()
    h1 = re.search(r"<h1>(.*?)</h1>", html)[1]
    assert h1 == profile.name_ar


@pytest.mark.parametrize(
    ("language", "query", "service"),
    [
        ("ar", "طلب مساعدة", "/ar/help-request/"),
        ("ar", "التطوع", "/ar/volunteer/"),
        ("ar", "متابعة الطلب", "/ar/track/"),
        ("en", "volunteering", "/en/volunteer/"),
        ("en", "track my request", "/en/track/"),
    ],
)
def test_a_search_about_a_service_leads_to_it(client, home, language, query, service):
    html = client.get(f"/{language}/search/", {"q": query}).content.decode()
    box = html.split('aria-labelledby="search-services"')[1].split("</aside>")[0]
    assert f'href="{service}"' in box


def test_a_search_about_something_else_offers_no_service(client, home):
    assert (
        'aria-labelledby="search-services"'
        not in client.get("/ar/search/", {"q": "الحوكمة"}).content.decode()
    )


def test_faq_answers_link_to_their_service(client, home):
    from cms.demo_faqs import load_faq_demo

    load_faq_demo(home)
    html = client.get("/ar/faq/").content.decode()
    answer = html.split('id="how-to-apply"')[1].split("</details>")[0]
    assert 'href="/ar/help-request/"' in answer
    answer = html.split('id="track-request"')[1].split("</details>")[0]
    assert 'href="/ar/track/"' in answer


def test_new_drafts_are_limited_per_address_and_huge_answers_cannot_break_a_save(
    client, home, client_class
):
    from forms.public.filing import NEW_DRAFTS_PER_IP_PER_HOUR

    huge = {"step": 1, "action": "autosave", "support_type": "x" * 200_000}
    assert client.post(URL, huge).status_code == 204
    assert len(drafts.draft_data(FormDraft.objects.get())["support_type"][0]) == 5000
    for _ in range(NEW_DRAFTS_PER_IP_PER_HOUR - 1):
        client_class().post(URL, {"step": 1, "action": "autosave"})
    assert client_class().post(URL, {"step": 1, "action": "autosave"}).status_code == 429
    assert FormDraft.objects.count() == NEW_DRAFTS_PER_IP_PER_HOUR


def _described_ids_exist(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    missing = []
    for element in soup.select("[aria-describedby]"):
        for target in element["aria-describedby"].split():
            if soup.find(id=target) is None:
                missing.append(f"{element.get('name') or element.name} → {target}")
    return missing


@pytest.mark.parametrize(
    ("url", "data_of"),
    [(URL, "help"), ("/ar/volunteer/", "volunteer")],
)
def test_every_step_with_errors_describes_its_fields_with_ids_that_exist(
    client, home, url, data_of
):
    from tests.forms.test_volunteer import volunteer_data

    data = help_form_data() if data_of == "help" else volunteer_data()
    number = 1
    while True:
        empty = client.post(url, {"step": number, "action": "next"})
        html = empty.content.decode()
        assert empty.status_code == 400, number
        assert _described_ids_exist(html) == [], number
        assert 'aria-invalid="true"' in html and "<title>خطأ:" in html
        moved = client.post(url, {**data, "step": number, "action": "next"})
        if moved.status_code != 302 or not moved["Location"].endswith(f"?step={number + 1}"):
            break
        number += 1
    assert number >= 4
