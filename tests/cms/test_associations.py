"""Several associations on one install, the content side: each association's FAQs, categories,
board register and approvals stay on its own host, in the admin, the public pages and the API;
each association's register is its own hash chain; onboarding makes everything once."""

import datetime as dt
import io
import json
import zipfile

import pytest

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from wagtail.admin.panels import get_edit_handler
from wagtail.models import Page, Site

from cms.forms import BoardApprovalForm
from cms.governance.register import register_verify
from cms.models import (
    FAQ,
    AssociationProfile,
    BoardApproval,
    BoardApprovalTask,
    BoardMember,
    BoardTerm,
    FAQCategory,
    FAQPage,
    PolicyIndexPage,
    PolicyPage,
    VolunteerCharterPage,
)
from cms.onboarding import shared_policy_sections
from cms.services import policy_withdraw
from portal.accounts.associations import roles_in
from portal.core.associations import association
from portal.core.roles import declared_roles
from portal.models import RoleGroup
from portal.onboarding import (
    association_add,
    association_export,
    association_remove,
    platform_administrators_ensure,
)
from tests.associations import member_of
from tests.cms.conftest import approve, make_policy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTENTSTATE = json.dumps(
    {
        "blocks": [
            {"key": "a", "text": "جواب", "type": "unstyled", "depth": 0,
             "inlineStyleRanges": [], "entityRanges": []}
        ],
        "entityMap": {},
    }
)  # fmt: skip
HOST_A = "localhost"  # the default association
HOST_B = "deema.localhost"
ROLES = ("editor", "secretary", "administrator")


def login(client, user, site):
    """Sign in with what the user's roles in `site` ask (the second factor for a secretary)."""
    with association(site):
        client.force_login(user)


def add_deema(**extra):
    return association_add(
        name_ar="جمعية ديمة التعليمية",
        name_en="Deema Education Association",
        hostname=HOST_B,
        admin_username="deema-admin",
        admin_password="deema-pass-1",
        **extra,
    )


def term_of(site, number=1):
    term = BoardTerm.all_sites.create(
        site=site, number=number, starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    for order, role in enumerate(("chair", "secretary")):
        BoardMember.objects.create(
            term=term, name=f"عضو {site.pk}-{order}", name_ar=f"عضو {site.pk}-{order}", role=role
        )
    return term


def faq_of(site, slug, question):
    category = FAQCategory.all_sites.filter(site=site).first() or FAQCategory.all_sites.create(
        site=site, slug="general", name="عام", name_ar="عام", name_en="General"
    )
    return FAQ.all_sites.create(
        site=site,
        category=category,
        slug=slug,
        question=question,
        question_ar=question,
        question_en=question,
        answer="<p>جواب</p>",
        answer_ar="<p>جواب</p>",
        answer_en="<p>Answer</p>",
    )


@pytest.fixture
def two(home, profile, catalogue):
    """The default association (its catalogue, one FAQ, one board term) and Deema, onboarded,
    with its own FAQ and board term."""
    site_a = Site.objects.get(is_default_site=True)
    site_b = add_deema().site
    # The default association's FAQ page, to compare with Deema's.
    faq_page = FAQPage(slug="faq", title="الأسئلة", title_ar="الأسئلة", title_en="FAQ")
    home.add_child(instance=faq_page)
    faq_page.save_revision().publish()
    return {
        "a": site_a,
        "b": site_b,
        "faq_a": faq_of(site_a, "shared-slug", "سؤال الجمعية الأولى"),
        "faq_b": faq_of(site_b, "shared-slug", "سؤال جمعية ديمة"),
        "term_a": term_of(site_a),
        "term_b": term_of(site_b),
    }


# --- onboarding ------------------------------------------------------------------------------


def test_onboarding_makes_the_whole_association(home, profile):
    report = add_deema(licence_number="1234")
    site = report.site
    assert (site.hostname, site.port, site.is_default_site) == (HOST_B, 80, False)
    home_b = site.root_page.specific
    assert home_b.title_en == "Deema Education Association" and home_b.live
    children = home_b.get_children()
    assert children.type(PolicyIndexPage).live().count() == 1
    assert children.type(FAQPage).live().count() == 1
    assert set(children.values_list("slug", flat=True)) >= {"policies", "faq", "about", "privacy"}
    assert home_b.get_descendants().type(VolunteerCharterPage).live().count() == 1
    assert set(FAQCategory.all_sites.filter(site=site).values_list("slug", flat=True)) == {
        "help-requests",
        "documents",
        "follow-up",
        "volunteering",
        "rights",
    }
    # The starter policy is a draft for the board: nothing goes public without its approval.
    starter = PolicyPage.objects.descendant_of(home_b).get()
    assert not starter.live and starter.has_unpublished_changes
    kinds = [block.block_type for block in starter.get_latest_revision_as_object().body_ar]
    assert kinds == [section.kind for section in shared_policy_sections()]
    assert {"preamble", "channels", "procedure"} <= set(kinds)
    # Its roles, its administrator, its secretaries on the board-approval task.
    assert set(RoleGroup.objects.filter(site=site).values_list("role", flat=True)) >= set(ROLES)
    admin = Group.objects.get(association_role__site=site, association_role__role="administrator")
    assert admin.user_set.filter(username="deema-admin").exists()
    assert roles_in(admin.user_set.get(), site) == {"administrator"}
    secretaries = Group.objects.get(association_role__site=site, association_role__role="secretary")
    assert BoardApprovalTask.objects.get(active=True).groups.filter(pk=secretaries.pk).exists()
    assert report.admin_password == ""  # given, so not shown again
    assert AssociationProfile.for_site(site).licence_number == "1234"


def test_onboarding_again_changes_nothing(home, profile):
    add_deema()
    counts = (
        Page.objects.count(),
        Site.objects.count(),
        Group.objects.count(),
        FAQCategory.all_sites.count(),
        PolicyPage.objects.count(),
    )
    again = add_deema()
    assert again.created == []
    assert counts == (
        Page.objects.count(),
        Site.objects.count(),
        Group.objects.count(),
        FAQCategory.all_sites.count(),
        PolicyPage.objects.count(),
    )


@pytest.mark.parametrize("host", ["", "http://deema.example.org", "deema example", "deema"])
def test_onboarding_refuses_a_bad_host_with_a_reason(home, host):
    with pytest.raises(ValidationError) as error:
        association_add(name_ar="جمعية", name_en="", hostname=host, admin_username="x")
    assert "hostname" in error.value.message_dict
    assert Site.objects.count() == 1


def test_add_association_command_is_idempotent_and_reports(home, profile):
    out = io.StringIO()
    args = ["--name-ar", "جمعية موج", "--host", "mouj.localhost", "--admin-username", "mouj"]
    call_command("add_association", *args, stdout=out)
    assert "mouj.localhost" in out.getvalue() and "Password (shown once)" in out.getvalue()
    out = io.StringIO()
    call_command("add_association", *args, stdout=out)
    assert "nothing changed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "add_association", "--name-ar", "x", "--host", "bad host", "--admin-username", "y"
        )


def test_the_admin_view_adds_an_association_for_platform_administrators(home, profile, client):
    operator = UserFactory(username="operator", is_staff=True)
    operator.groups.add(platform_administrators_ensure())
    editor = member_of(Site.objects.get(is_default_site=True), "editor")
    client.force_login(editor)
    assert client.get(reverse("sila_association_add")).status_code in (302, 403)
    client.force_login(operator)
    assert client.get(reverse("sila_associations")).status_code == 200
    data = {
        "name_ar": "جمعية بناء",
        "name_en": "Bina",
        "hostname": "bina.localhost",
        "admin_username": "bina-admin",
    }
    response = client.post(reverse("sila_association_add"), data)
    assert response.status_code == 200
    assert Site.objects.filter(hostname="bina.localhost").exists()
    bad = client.post(reverse("sila_association_add"), {**data, "hostname": "not a host"})
    assert bad.status_code == 200 and bad.context["form"].errors["hostname"]


def test_removing_an_association_exports_it_first(two):
    site_b = two["b"]
    secretary_b = member_of(site_b, "secretary")
    starter = PolicyPage.objects.descendant_of(site_b.root_page).get()
    approve(starter, secretary_b, two["term_b"])
    export = association_export(site_b)
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        faqs = json.loads(archive.read("faqs.json"))
        approvals = json.loads(archive.read("approvals.json"))
    assert manifest["hostname"] == HOST_B
    assert [row["fields"]["question"] for row in faqs] == ["سؤال جمعية ديمة"]
    assert len(approvals) == 1
    removed = association_remove(site_b)
    assert zipfile.ZipFile(io.BytesIO(removed)).read("manifest.json")
    assert not Site.objects.filter(hostname=HOST_B).exists()
    assert list(FAQ.all_sites.values_list("question", flat=True)) == ["سؤال الجمعية الأولى"]
    assert not BoardApproval.objects.filter(site_id=site_b.pk).exists()
    assert register_verify().intact
    with pytest.raises(ValidationError):
        association_remove(two["a"])


# --- one register (hash chain) per association ------------------------------------------------


def test_each_association_has_its_own_chain(two, approved_policy):
    site_b = two["b"]
    secretary_b = member_of(site_b, "secretary")
    starter = PolicyPage.objects.descendant_of(site_b.root_page).get()
    first = approve(starter, secretary_b, two["term_b"])
    draft = PolicyPage.objects.get(pk=starter.pk).get_latest_revision_as_object()
    draft.summary_ar = "ملخص"
    second = approve(starter, secretary_b, two["term_b"], revision=draft.save_revision())
    a_entry = BoardApproval.objects.get(site=two["a"])
    assert (a_entry.sequence, a_entry.previous_hash) == (1, "")
    assert (first.sequence, first.previous_hash) == (1, "")
    assert (second.sequence, second.previous_hash) == (2, first.record_hash)
    assert register_verify().intact and register_verify(site=site_b).checked == 2


def test_a_secretary_cannot_approve_with_another_associations_term(two):
    site_b = two["b"]
    starter = PolicyPage.objects.descendant_of(site_b.root_page).get()
    with pytest.raises(ValidationError):
        approve(starter, member_of(site_b, "secretary"), two["term_a"])
    # The default association's secretary is no secretary of Deema.
    with pytest.raises(PermissionDenied):
        approve(starter, member_of(two["a"], "secretary"), two["term_b"])
    assert not BoardApproval.objects.exists()


# --- the register across associations -----------------------------------------------------------


@pytest.fixture
def published(two, approved_policy, secretary, term):
    """Default: one approved policy, one withdrawn. Deema: its starter policy approved, plus a
    draft never approved."""
    site_b = two["b"]
    catalogue_a = PolicyIndexPage.objects.descendant_of(two["a"].root_page).get()
    withdrawn = make_policy(catalogue_a, slug="old", category="conflict-of-interest")
    approve(withdrawn, secretary, term, meeting_number="7")
    policy_withdraw(
        policy=PolicyPage.objects.get(pk=withdrawn.pk), user=secretary, reason_ar="قديمة"
    )
    starter = PolicyPage.objects.descendant_of(site_b.root_page).get()
    approve(starter, member_of(site_b, "secretary"), two["term_b"])
    make_policy(PolicyIndexPage.objects.descendant_of(site_b.root_page).get(), slug="draft-only")
    return two


def test_the_registry_lists_every_associations_approved_policies_only(published, client):
    response = client.get("/api/v1/registry/?locale=en")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert response.json()["count"] == 2
    assert {(r["association_host"], r["policy"], r["version"]) for r in rows} == {
        (HOST_A, "beneficiaries", 1),
        (HOST_B, "beneficiary-relations", 1),
    }
    by_host = {row["association_host"]: row for row in rows}
    approval_b = BoardApproval.objects.get(site=published["b"])
    assert by_host[HOST_B]["record_hash"] == approval_b.record_hash
    assert by_host[HOST_B]["content_hash"] == approval_b.content_hash
    assert by_host[HOST_B]["association"] == "Deema Education Association"
    assert by_host[HOST_B]["html_url"].startswith(f"http://{HOST_B}/en/")
    assert by_host[HOST_B]["approved_on"] == approval_b.meeting_date.isoformat()
    only_b = client.get(f"/api/v1/registry/?association={HOST_B}").json()
    assert [row["association_host"] for row in only_b["results"]] == [HOST_B]
    unknown = client.get("/api/v1/registry/?association=nowhere.example.org")
    assert unknown.status_code == 400 and "association" in unknown.json()["fields"]
    bad_format = client.get("/api/v1/registry/?format=xml")
    assert bad_format.status_code == 400 and "format" in bad_format.json()["fields"]


def test_the_registry_downloads_as_csv(published, client):
    response = client.get("/api/v1/registry/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("association,association_host,")
    assert len(lines) == 3
    assert HOST_B in text and "draft-only" not in text and ",old," not in text


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_registry_page_shows_every_association(published, client, language):
    response = client.get(f"/{language}/registry/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="container register"' in html
    assert "جمعية ديمة التعليمية" in html or "Deema Education Association" in html
    assert BoardApproval.objects.get(site=published["b"]).record_hash in html
    assert "draft-only" not in html
    one = client.get(f"/{language}/registry/?association={HOST_B}")
    assert BoardApproval.objects.get(
        site=published["a"], policy__slug="beneficiaries"
    ).record_hash not in (one.content.decode())
    assert client.get(f"/{language}/registry/?association=nowhere.example.org").status_code == 404


def test_the_registry_is_in_the_api_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/registry/"]["get"]
    assert operation["operationId"] == "registry_list"
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"association", "format", "limit", "offset"} <= names


# --- public pages and API answer only the host's association ------------------------------------


def test_public_faq_page_and_register_follow_the_host(published, client):
    page_a = client.get("/ar/faq/", HTTP_HOST=HOST_A).content.decode()
    page_b = client.get("/ar/faq/", HTTP_HOST=HOST_B).content.decode()
    assert "سؤال الجمعية الأولى" in page_a and "سؤال جمعية ديمة" not in page_a
    assert "سؤال جمعية ديمة" in page_b and "سؤال الجمعية الأولى" not in page_b
    register_a = client.get("/api/v1/approvals/", HTTP_HOST=HOST_A).json()
    register_b = client.get("/api/v1/approvals/", HTTP_HOST=HOST_B).json()
    assert {entry["policy"] for entry in register_b} == {"beneficiary-relations"}
    assert "beneficiary-relations" not in {entry["policy"] for entry in register_a}
    html_b = client.get("/ar/policies/register/", HTTP_HOST=HOST_B).content.decode()
    assert BoardApproval.objects.get(site=published["b"]).record_hash in html_b
    assert BoardApproval.objects.filter(site=published["a"]).first().record_hash not in html_b


def test_a_vote_names_a_question_of_the_hosts_association_only(two, client):
    faq_b = FAQ.all_sites.create(
        site=two["b"],
        category=FAQCategory.all_sites.filter(site=two["b"]).first(),
        slug="only-deema",
        question="س",
        question_ar="س",
        answer="<p>ج</p>",
        answer_ar="<p>ج</p>",
    )
    response = client.post(f"/ar/faq/vote/{faq_b.slug}/", {"helpful": "yes"}, HTTP_HOST=HOST_A)
    assert response.status_code == 404
    response = client.post(f"/ar/faq/vote/{faq_b.slug}/", {"helpful": "yes"}, HTTP_HOST=HOST_B)
    assert response.status_code == 302


# --- the admin: two associations × roles × snippet lists, edits and choosers ---------------------

SNIPPETS = {
    "faq": ("wagtailsnippets_cms_faq", "faq_{}"),
    "faqcategory": ("wagtailsnippets_cms_faqcategory", None),
    "boardterm": ("wagtailsnippets_cms_boardterm", "term_{}"),
}
CAN_LIST = {"editor": {"faq", "faqcategory"}, "secretary": {"boardterm"}, "administrator": set()}


def _objects(two, side):
    return {
        "faq": two[f"faq_{side}"],
        "faqcategory": two[f"faq_{side}"].category,
        "boardterm": two[f"term_{side}"],
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["a", "b"])
def test_admin_snippets_stay_within_the_hosts_association(two, client, role, side):
    other = "b" if side == "a" else "a"
    host = HOST_A if side == "a" else HOST_B
    user = member_of(two[side], role)
    login(client, user, two[side])
    own, theirs = _objects(two, side), _objects(two, other)
    for model, (namespace, _unused) in SNIPPETS.items():
        listing = client.get(reverse(f"{namespace}:list"), HTTP_HOST=host)
        if model in CAN_LIST[role]:
            assert listing.status_code == 200, (role, model)
            shown = {obj.pk for obj in listing.context["object_list"]}
            assert own[model].pk in shown and theirs[model].pk not in shown
            assert (
                client.get(
                    reverse(f"{namespace}:edit", args=[own[model].pk]), HTTP_HOST=host
                ).status_code
                == 200
            )
        else:
            assert listing.status_code in (302, 403), (role, model)
        # The other association's row: not found (or refused) on this host, whatever the role.
        for view in ("edit", "delete", "usage", "history"):
            response = client.get(
                reverse(f"{namespace}:{view}", args=[theirs[model].pk]), HTTP_HOST=host
            )
            assert response.status_code in (302, 403, 404), (role, model, view)
            assert response.status_code != 200
    chooser = client.get(reverse("wagtailsnippetchoosers_cms_faqcategory:choose"), HTTP_HOST=host)
    if chooser.status_code == 200:
        html = chooser.content.decode()
        assert (
            f"/{theirs['faqcategory'].pk}/" not in html
            or theirs["faqcategory"].pk == own["faqcategory"].pk
        )
    chosen = client.get(
        reverse("wagtailsnippetchoosers_cms_faqcategory:chosen", args=[theirs["faqcategory"].pk]),
        HTTP_HOST=host,
    )
    assert chosen.status_code in (302, 403, 404)


@pytest.mark.parametrize("role", ["editor", "secretary"])
def test_page_tree_roles_reach_only_their_associations_pages(two, client, role):
    site_b = two["b"]
    user = member_of(site_b, role)
    login(client, user, site_b)
    page_a = PolicyIndexPage.objects.descendant_of(two["a"].root_page).get()
    page_b = PolicyIndexPage.objects.descendant_of(site_b.root_page).get()
    edit_b = client.get(reverse("wagtailadmin_pages:edit", args=[page_b.pk]), HTTP_HOST=HOST_B)
    assert edit_b.status_code == 200
    for host in (HOST_A, HOST_B):
        edit_a = client.get(reverse("wagtailadmin_pages:edit", args=[page_a.pk]), HTTP_HOST=host)
        assert edit_a.status_code in (302, 403, 404), host
    # The default association's editors keep to its home once there are two associations.
    editor_a = member_of(two["a"], "editor", username="editor-a")
    client.force_login(editor_a)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page_b.pk]), HTTP_HOST=HOST_A)
    assert edit.status_code in (302, 403, 404)


def test_a_user_with_roles_in_two_associations_sees_each_on_its_own_host(two, client):
    user = member_of(two["a"], "editor", username="both")
    member_of(two["b"], "editor", user=user)
    client.force_login(user)
    url = reverse("wagtailsnippets_cms_faq:list")
    on_a = {faq.pk for faq in client.get(url, HTTP_HOST=HOST_A).context["object_list"]}
    on_b = {faq.pk for faq in client.get(url, HTTP_HOST=HOST_B).context["object_list"]}
    assert on_a == {two["faq_a"].pk} and on_b == {two["faq_b"].pk}
    edit_other = reverse("wagtailsnippets_cms_faq:edit", args=[two["faq_b"].pk])
    assert client.get(edit_other, HTTP_HOST=HOST_A).status_code == 404


def test_a_new_faq_belongs_to_the_hosts_association_and_slugs_are_per_association(two, client):
    user = member_of(two["b"], "editor")
    login(client, user, two["b"])
    category_b = two["faq_b"].category
    data = {
        "question_ar": "سؤال جديد",
        "answer_ar": json.dumps({"blocks": [{"key": "a", "text": "جواب", "type": "unstyled",
                                             "depth": 0, "inlineStyleRanges": [],
                                             "entityRanges": []}], "entityMap": {}}),
        "slug": "shared-slug",
        "category": category_b.pk,
        "sort_order": 0,
    }  # fmt: skip
    url = reverse("wagtailsnippets_cms_faq:add")
    taken = client.post(url, data, HTTP_HOST=HOST_B)
    assert taken.status_code == 200  # the slug is taken in Deema: a form error, not a 500
    assert FAQ.all_sites.filter(site=two["b"]).count() == 1
    client.post(url, {**data, "slug": "new-one"}, HTTP_HOST=HOST_B)
    assert FAQ.all_sites.get(slug="new-one").site == two["b"]
    # A category of the other association is no valid choice.
    refused = client.post(
        url, {**data, "slug": "x", "category": two["faq_a"].category.pk}, HTTP_HOST=HOST_B
    )
    assert refused.status_code == 200 and not FAQ.all_sites.filter(slug="x").exists()


def test_public_api_answers_only_the_hosts_association(published, client):
    faqs_a = client.get("/api/v1/faqs/", HTTP_HOST=HOST_A).json()
    faqs_b = client.get("/api/v1/faqs/", HTTP_HOST=HOST_B).json()
    assert [faq["question"] for faq in faqs_a] == ["سؤال الجمعية الأولى"]
    assert [faq["question"] for faq in faqs_b] == ["سؤال جمعية ديمة"]
    assert faqs_b[0]["url"].startswith(f"http://{HOST_B}/")
    # Deema has the category "help-requests" (onboarding); the default association has not.
    assert client.get("/api/v1/faqs/?category=help-requests", HTTP_HOST=HOST_A).status_code == 400
    assert client.get("/api/v1/faqs/?category=help-requests", HTTP_HOST=HOST_B).status_code == 200
    policies_a = {p["slug"] for p in client.get("/api/v1/policies/", HTTP_HOST=HOST_A).json()}
    policies_b = {p["slug"] for p in client.get("/api/v1/policies/", HTTP_HOST=HOST_B).json()}
    assert "beneficiaries" in policies_a and "beneficiary-relations" not in policies_a
    assert policies_b == {"beneficiary-relations"}
    assert client.get("/api/v1/policies/beneficiaries/", HTTP_HOST=HOST_B).status_code == 404
    assert client.get("/api/v1/policies/beneficiaries/", HTTP_HOST=HOST_A).status_code == 200
    version = "/api/v1/policies/beneficiary-relations/versions/1/"
    assert client.get(version, HTTP_HOST=HOST_A).status_code == 404
    assert client.get(version, HTTP_HOST=HOST_B).status_code == 200
    name_b = client.get("/api/v1/association/?locale=en", HTTP_HOST=HOST_B).json()["name"]
    assert name_b == "Deema Education Association"


def test_governance_admin_stays_within_the_hosts_association(published, client, superuser):
    site_a, site_b = published["a"], published["b"]
    approval_a = BoardApproval.objects.filter(site=site_a).first()
    approval_b = BoardApproval.objects.get(site=site_b)
    secretary_b = member_of(site_b, "secretary", username="secretary-b")
    login(client, secretary_b, site_b)
    listing = client.get("/admin/governance/approvals/", HTTP_HOST=HOST_B)
    assert listing.status_code == 200
    assert {a.pk for a in listing.context["object_list"]} == {approval_b.pk}
    inspect = "/admin/governance/approvals/inspect/{}/"
    assert client.get(inspect.format(approval_b.pk), HTTP_HOST=HOST_B).status_code == 200
    assert client.get(inspect.format(approval_a.pk), HTTP_HOST=HOST_B).status_code == 404
    correct = reverse("cms_approval_correct", args=[approval_a.pk])
    assert client.get(correct, HTTP_HOST=HOST_B).status_code == 404
    # Withdrawals: the default association's ("old") is listed on its host only.
    client.force_login(superuser)
    on_a = client.get("/admin/governance/withdrawals/", HTTP_HOST=HOST_A).context["object_list"]
    on_b = client.get("/admin/governance/withdrawals/", HTTP_HOST=HOST_B).context["object_list"]
    assert [w.policy.slug for w in on_a] == ["old"] and list(on_b) == []
    login(client, secretary_b, site_b)
    # On the default association's host, Deema's secretary holds no role: refused.
    assert client.get("/admin/governance/approvals/", HTTP_HOST=HOST_A).status_code in (302, 403)


def test_the_board_approval_task_acts_only_for_the_policys_association(two, secretary):
    task = BoardApprovalTask.objects.get(active=True)
    starter_b = PolicyPage.objects.descendant_of(two["b"].root_page).get()
    secretary_b = member_of(two["b"], "secretary")
    assert task.get_actions(starter_b, secretary_b)
    assert task.get_actions(starter_b, secretary) == []  # the default association's
    assert not task.user_can_access_editor(starter_b, secretary)


def test_the_approval_form_offers_the_hosts_association_terms_only(two):
    for side in ("a", "b"):
        with association(two[side]):
            form = BoardApprovalForm()
            terms = set(form.fields["term"].queryset)
            members = set(form.fields["members"].queryset.values_list("term__site", flat=True))
        assert terms == {two[f"term_{side}"]}
        assert members <= {two[side].pk}


def test_a_question_relates_only_to_its_associations_policies(published):
    site_b = published["b"]
    policy_a = PolicyPage.objects.descendant_of(published["a"].root_page).live().first()
    policy_b = PolicyPage.objects.descendant_of(site_b.root_page).live().first()
    form_class = get_edit_handler(FAQ).get_form_class()
    faq_b = published["faq_b"]
    with association(site_b):
        for policies, valid in (([policy_b.pk], True), ([policy_a.pk], False)):
            form = form_class(
                instance=faq_b,
                data={
                    "question_ar": faq_b.question_ar,
                    "answer_ar": CONTENTSTATE,
                    "slug": faq_b.slug,
                    "category": faq_b.category_id,
                    "sort_order": 0,
                    "related_policies": policies,
                },
            )
            assert form.is_valid() is valid, form.errors


# --- the user and group screens: each association's administrators see their own -------------


def _group(site, role):
    return Group.objects.get(association_role__site=site, association_role__role=role)


@pytest.fixture
def people(two, django_user_model):
    """Each association's administrator and one member of its own; a person in both; a platform
    administrator (who may manage users everywhere) and a superuser."""
    site_a, site_b = two["a"], two["b"]
    shared = member_of(site_a, "editor", username="shared")
    member_of(site_b, "secretary", user=shared)
    platform = UserFactory(username="platform")
    platform.groups.add(platform_administrators_ensure())
    for codename in ("add_user", "change_user", "delete_user", "view_user", "view_group"):
        platform.user_permissions.add(Permission.objects.get(codename=codename))
    return {
        "admin_a": member_of(site_a, "administrator", username="admin-a"),
        "admin_b": django_user_model.objects.get(username="deema-admin"),
        "only_a": member_of(site_a, "editor", username="only-a"),
        "only_b": member_of(site_b, "editor", username="only-b"),
        "shared": shared,
        "platform": platform,
        "root": django_user_model.objects.create_superuser("root", "root@example.org", "x"),
    }


def _listed(client, host, **params):
    response = client.get("/admin/users/", params, HTTP_HOST=host)
    assert response.status_code == 200
    return response, {user.username for user in response.context["object_list"]}


@pytest.mark.parametrize("side", ["a", "b"])
def test_an_association_administrator_sees_and_opens_only_its_people(two, people, client, side):
    other = "b" if side == "a" else "a"
    host = HOST_A if side == "a" else HOST_B
    site, their_site = two[side], two[other]
    login(client, people[f"admin_{side}"], site)
    mine = {people[f"admin_{side}"].username, people[f"only_{side}"].username, "shared"}
    response, listed = _listed(client, host)
    assert listed == mine
    assert response.context["page_obj"].paginator.count == len(mine)
    # Search and filters find no one else.
    assert _listed(client, host, q="only")[1] == {people[f"only_{side}"].username}
    assert _listed(client, host, q=people[f"only_{other}"].username)[1] == set()
    offered = set(response.context["filters"].filters["group"].queryset)
    assert offered == set(Group.objects.filter(association_role__site=site))
    assert _listed(client, host, group=_group(their_site, "editor").pk)[1] <= mine
    # Another association's person and group: not found, whichever screen.
    theirs = people[f"only_{other}"]
    for view in ("edit", "delete", "history", "usage", "copy"):
        url = reverse(f"wagtailusers_users:{view}", args=[theirs.pk])
        assert client.get(url, HTTP_HOST=host).status_code == 404, view
    assert (
        client.post(
            reverse("wagtailusers_users:delete", args=[theirs.pk]), HTTP_HOST=host
        ).status_code
        == 404
    )
    assert django_user_exists(theirs)
    own = reverse("wagtailusers_users:edit", args=[people[f"only_{side}"].pk])
    assert client.get(own, HTTP_HOST=host).status_code == 200
    bulk = f"/admin/bulk/wagtailusers/user/set_active_state/?id={theirs.pk}"
    assert client.get(bulk, HTTP_HOST=host).status_code == 404
    reset = reverse("sila_second_factor_reset", args=[theirs.pk])
    assert client.get(reset, HTTP_HOST=host).status_code == 404
    # Groups: their association's only.
    groups = client.get("/admin/groups/", HTTP_HOST=host)
    assert groups.status_code == 200
    assert set(groups.context["object_list"]) == set(
        Group.objects.filter(association_role__site=site)
    )
    assert groups.context["page_obj"].paginator.count == len(declared_roles())
    their_group = _group(their_site, "administrator")
    for view in ("edit", "delete", "history", "usage"):
        url = reverse(f"wagtailusers_groups:{view}", args=[their_group.pk])
        assert client.get(url, HTTP_HOST=host).status_code == 404, view
    own_group = reverse("wagtailusers_groups:edit", args=[_group(site, "administrator").pk])
    assert client.get(own_group, HTTP_HOST=host).status_code == 200


def django_user_exists(user):
    return type(user).objects.filter(pk=user.pk).exists()


def _user_form(user, groups, **extra):
    return {
        "username": user.username,
        "email": user.email or f"{user.username}@example.org",
        "first_name": user.first_name or "اسم",
        "last_name": user.last_name or "العائلة",
        "is_active": "on",
        "groups": [group.pk for group in groups],
        **extra,
    }


def test_saving_a_shared_person_keeps_the_other_associations_roles(two, people, client):
    site_a, site_b = two["a"], two["b"]
    shared = people["shared"]
    email = shared.email
    login(client, people["admin_a"], site_a)
    url = reverse("wagtailusers_users:edit", args=[shared.pk])
    form = client.get(url, HTTP_HOST=HOST_A)
    assert form.status_code == 200
    shown = set(form.context["form"].fields["groups"].queryset)
    assert _group(site_b, "secretary") not in shown and _group(site_a, "editor") in shown
    assert "password1" not in form.context["form"].fields
    # Withdraw their role here, give another one here: Deema's role stays.
    response = client.post(
        url,
        _user_form(shared, [_group(site_a, "administrator")], email="taken@example.org"),
        HTTP_HOST=HOST_A,
    )
    assert response.status_code == 302, response.context["form"].errors
    shared.refresh_from_db()
    assert set(shared.groups.all()) == {
        _group(site_a, "administrator"),
        _group(site_b, "secretary"),
    }
    assert shared.email == email  # the account is the platform's to change
    # Deema's groups cannot be posted from here either.
    response = client.post(
        url, _user_form(shared, [_group(site_b, "administrator")]), HTTP_HOST=HOST_A
    )
    assert response.status_code == 200 and "groups" in response.context["form"].errors
    assert _group(site_b, "administrator") not in shared.groups.all()
    # Withdrawing every role here takes them out of this association only.
    assert client.post(url, _user_form(shared, []), HTTP_HOST=HOST_A).status_code == 302
    assert set(shared.groups.all()) == {_group(site_b, "secretary")}
    assert "shared" not in _listed(client, HOST_A)[1]
    login(client, people["admin_b"], site_b)
    assert "shared" in _listed(client, HOST_B)[1]


def test_a_shared_person_is_not_deleted_or_deactivated_by_one_association(two, people, client):
    shared = people["shared"]
    login(client, people["admin_b"], two["b"])
    delete = reverse("wagtailusers_users:delete", args=[shared.pk])
    refused = client.post(delete, HTTP_HOST=HOST_B)
    assert refused.status_code in (302, 403) and refused.get("Location") != "/admin/users/"
    bulk = f"/admin/bulk/wagtailusers/user/set_active_state/?id={shared.pk}"
    client.post(bulk, {"mark_as_active": False}, HTTP_HOST=HOST_B)
    shared.refresh_from_db()
    assert shared.is_active and django_user_exists(shared)
    # Their own association's only member is theirs to delete.
    only_b = people["only_b"]
    delete = reverse("wagtailusers_users:delete", args=[only_b.pk])
    assert client.post(delete, HTTP_HOST=HOST_B).status_code == 302
    assert not django_user_exists(only_b)


def test_a_person_made_on_a_host_holds_one_of_its_roles(two, people, client):
    site_b = two["b"]
    login(client, people["admin_b"], site_b)
    data = {
        **_user_form(UserFactory.build(username="new-b"), []),
        "password1": "a long enough pass-phrase 42",
        "password2": "a long enough pass-phrase 42",
    }
    response = client.post(reverse("wagtailusers_users:add"), data, HTTP_HOST=HOST_B)
    assert response.status_code == 200 and "groups" in response.context["form"].errors
    data["groups"] = [_group(site_b, "administrator").pk]
    assert client.post(reverse("wagtailusers_users:add"), data, HTTP_HOST=HOST_B).status_code == 302
    assert "new-b" in _listed(client, HOST_B)[1]
    login(client, people["admin_a"], two["a"])
    assert "new-b" not in _listed(client, HOST_A)[1]


@pytest.mark.parametrize("who", ["platform", "root"])
def test_platform_administrators_and_superusers_see_every_association(two, people, client, who):
    client.force_login(people[who])
    everyone = {"admin-a", "deema-admin", "only-a", "only-b", "shared", "platform", "root"}
    for host in (HOST_A, HOST_B):
        assert everyone <= _listed(client, host)[1], host
        for person in ("only_a", "only_b"):
            url = reverse("wagtailusers_users:edit", args=[people[person].pk])
            assert client.get(url, HTTP_HOST=host).status_code == 200
    groups = client.get("/admin/groups/", HTTP_HOST=HOST_B)
    assert {_group(two["a"], "editor"), _group(two["b"], "editor")} <= set(
        groups.context["object_list"]
    )


def test_a_platform_administrator_in_an_association_keeps_their_platform_role(two, people, client):
    site_a = two["a"]
    platform = people["platform"]
    member_of(site_a, "editor", user=platform)
    login(client, people["admin_a"], site_a)
    response, listed = _listed(client, HOST_A)
    assert "platform" in listed
    row = next(user for user in response.context["object_list"] if user.username == "platform")
    assert row.holds_groups_elsewhere  # the list knows without a query per row
    url = reverse("wagtailusers_users:edit", args=[platform.pk])
    assert client.post(url, _user_form(platform, []), HTTP_HOST=HOST_A).status_code == 302
    assert set(platform.groups.all()) == {platform_administrators_ensure()}
    delete = reverse("wagtailusers_users:delete", args=[platform.pk])
    client.post(delete, HTTP_HOST=HOST_A)
    assert django_user_exists(platform)
