"""Browser test: the board secretary reviews the submitted revision (every difference, the
changed response period flagged) and records the approval; the public page shows the new
version, the comparison reads cleanly in each language and the register lists the chain."""

import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from cms.models import BoardApproval, PolicyPage
from tests.e2e.conftest import admin_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def test_secretary_approves_a_submitted_revision_and_the_public_sees_it(
    page, demo_site, screenshot, settings
):
    policy = PolicyPage.objects.get(slug="beneficiary-relations")
    assert policy.workflow_in_progress  # the demo's third text waits for the board
    submitted = policy.current_workflow_task_state.revision_id

    admin_sign_in(page, demo_site, "secretary", settings.DEMO_ADMIN_PASSWORD)
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot("admin-awaiting-board-approval-ar")

    page.locator("[data-workflow-action-url*='/approve/']").first.dispatch_event("click")
    modal = page.locator(".modal-content form")
    modal.wait_for()
    review = page.locator(".modal-content .revision-review")
    # What the board approves: the response period changed (14 → 30) and the Arabic text now
    # promises a month while the English still says two weeks.
    assert review.locator("[data-flag=period_field_changed]").count() == 1
    assert review.locator("[data-flag=period_languages_differ]").count() == 1
    assert review.locator(".field-change").count() >= 1
    assert review.locator("[lang=ar][dir=rtl] .diff-section").count() >= 4
    assert review.locator("[lang=en][dir=ltr] .diff-section").count() >= 4
    assert review.locator("ins.diff-ins").count() > 0 and review.locator("del.diff-del").count() > 0
    assert page.locator(".modal-content .term-missing").is_visible()  # the demo term has ended
    screenshot("admin-board-approval-review-ar-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("admin-board-approval-review-ar-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    modal.locator("input[name=meeting_number]").fill("٣/٩")
    modal.locator("select[name=term]").select_option(label="الدورة الثانية")
    modal.locator("input[name=meeting_date]").fill("١٠/٦/٢٠٢٥")
    for checkbox in modal.locator("input[name=members]").all():
        checkbox.check()
    modal.locator("textarea[name=decision_text_ar]").fill(
        "اعتمد مجلس الإدارة تحديث مدة الرد إلى شهر."
    )
    modal.locator("input[name=change_note_ar]").fill("مدة الرد شهر بدلًا من أسبوعين.")
    modal.locator("input[name=change_note_en]").fill(
        "The response period is now a month instead of two weeks."
    )
    screenshot("admin-board-approval-form-ar")
    with page.expect_navigation():  # the modal posts, then sends the browser back to the dashboard
        modal.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    approval = BoardApproval.objects.get(version=3)
    assert approval.revision_id == submitted
    assert approval.meeting_number == "3/9"
    policy = PolicyPage.objects.get(pk=policy.pk)
    assert policy.live_revision_id == submitted

    page.goto(f"{demo_site}/ar/policies/beneficiary-relations/")
    line = page.locator(".policy-header .approval-line").inner_text()
    assert "الإصدار 3" in line and "10/6/2025" in line and "14/12/1446" in line
    assert page.get_by_role("link", name="الإصدار 2").count() >= 1  # supersedes version 2
    screenshot("policy-version-3-ar")

    page.goto(f"{demo_site}/en/policies/beneficiary-relations/")
    line = page.locator(".policy-header .approval-line").inner_text()
    assert "Version 3 — approved by the board in meeting 3/9" in line
    screenshot("policy-version-3-en")

    page.get_by_role("link", name="Version history").click()
    # The click only starts the navigation: wait for the history page before counting on it.
    page.wait_for_url(f"{demo_site}/en/policies/beneficiary-relations/history/")
    items = page.locator(".history__item")
    expect(items).to_have_count(3)
    assert "The response period is now a month instead of two weeks." in items.first.inner_text()
    screenshot("policy-history-en")

    page.goto(f"{demo_site}/ar/policies/beneficiary-relations/compare/?from=1&to=2")
    assert page.locator("ins.diff-ins").count() > 0
    screenshot("policy-compare-ar")

    # The English comparison of version 1 (no English yet) with version 2 says the English text
    # was added instead of striking out the Arabic fallback.
    page.goto(f"{demo_site}/en/policies/beneficiary-relations/compare/?from=1&to=2")
    assert "English text added in version 2" in page.locator("main").inner_text()
    assert page.locator(".diff-language[lang=en] del.diff-del").count() == 0

    for language in ("ar", "en"):
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{demo_site}/{language}/policies/beneficiary-relations/compare/?from=2&to=3")
            body = page.locator(f".diff-language[lang={language}]")
            assert body.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            assert page.locator(".field-changes").count() == 1  # the response period, first
            screenshot(f"policy-compare-2-3-{language}-{width}")
            page.goto(f"{demo_site}/{language}/policies/register/")
            entries = page.locator(".register__entry")
            assert entries.count() == 3
            assert approval.record_hash in entries.first.inner_text()
            screenshot(f"approvals-register-{language}-{width}")
