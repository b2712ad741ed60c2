"""Adding and removing an association: the composition of every app's part.

`association_add` makes (or completes: it is idempotent) an association: its site, host and
content (cms.onboarding), its role groups (portal.accounts.associations), its types of support
(forms.associations), its board secretaries on the board-approval task, and its first
administrator. `association_export` writes everything
the association owns to a zip of JSON files; `association_remove` exports first, then deletes.
"""

import io
import json
import secrets
import zipfile
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext as _

from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, Page, Revision, Site
from wagtail.users.models import UserProfile

from cms.governance import association_minutes_ensure, ensure_governance
from cms.governance.records import records_unlocked
from cms.models import (
    FAQ,
    ApprovalArchive,
    BoardApproval,
    BoardApprovalMember,
    BoardApprovalTask,
    BoardMember,
    BoardTerm,
    FAQCategory,
    FAQFeedback,
    PolicyImport,
    PolicyWithdrawal,
)
from cms.onboarding import association_content_create
from forms.associations import (
    association_casework_delete,
    association_casework_export,
    association_defaults_create,
)
from portal.accounts.associations import association_roles_create
from portal.accounts.roles import acting
from portal.core.associations import association
from portal.models import RoleGroup
from search.models import SynonymSet
from search.site.synonyms import association_synonyms_create

PLATFORM_ADMINISTRATORS = "مديرو المنصة"
# Platform administrators manage associations and their administrators; no association's work.
PLATFORM_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtailcore", "add_site"),
    ("wagtailcore", "change_site"),
    ("wagtailcore", "view_site"),
]


def platform_administrators_ensure() -> Group:
    """The platform-wide group (no association) of those who add and remove associations."""
    group, _created = Group.objects.get_or_create(name=PLATFORM_ADMINISTRATORS)
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in PLATFORM_PERMISSIONS
        )
    )
    return group


def user_can_manage_associations(user) -> bool:
    return bool(user and user.is_active and user.has_perm("wagtailcore.add_site"))


@dataclass
class AssociationReport:
    site: Site
    created: list[str] = field(default_factory=list)
    admin_username: str = ""
    admin_password: str = ""  # only when made here and not given: shown once, never logged


def _administrator_ensure(site, group, *, username, email, password) -> tuple[str, bool]:
    """The association's first administrator: made when missing, given the role either way."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    made = ""
    if user is None:
        made = password or secrets.token_urlsafe(12)
        user = user_model(username=username, email=email, is_staff=True)
        user.set_password(made)
        user.save()
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "ar"
        profile.save()
    added = not user.groups.filter(pk=group.pk).exists()
    user.groups.add(group)
    return ("" if password else made), added or bool(made)


@transaction.atomic
def association_add(
    *,
    name_ar: str,
    name_en: str,
    hostname: str,
    admin_username: str,
    admin_email: str = "",
    admin_password: str = "",
    port: int = 80,
    licence_number: str = "",
    by=None,
) -> AssociationReport:
    """Make (or complete) an association. Raises ValidationError on a bad name or host."""
    if not (name_ar or "").strip():
        raise ValidationError({"name_ar": _("Give the association's name in Arabic.")})
    if not (admin_username or "").strip():
        raise ValidationError({"admin_username": _("Name the association's first administrator.")})
    content = association_content_create(
        name_ar=name_ar.strip(),
        name_en=(name_en or "").strip(),
        hostname=hostname,
        port=port,
        licence_number=licence_number,
    )
    site = content.site
    report = AssociationReport(site=site, created=content.created)
    # The association's declared roles and its first administrator are the platform's to give
    # (whoever may add associations, checked at the door): made as the system, logged as `by`.
    with association(site), acting(None):
        _roles_and_administrator(site, report, admin_username, admin_email, admin_password)
    if report.created:
        log(instance=site, action="sila.association_add", user=by, data={"made": report.created})
    return report


def _roles_and_administrator(site, report, admin_username, admin_email, admin_password):
    groups = association_roles_create(site)
    if association_defaults_create(site):
        report.created.append("types of support")
    if association_synonyms_create(site):
        report.created.append("search synonyms")
    task = BoardApprovalTask.objects.filter(active=True).first()
    if task is not None:
        task.groups.add(groups["secretary"])
    # Its own board minutes, which its secretaries alone read (the public: those made public);
    # the same step completes the associations made before it (portal migration 0005).
    association_minutes_ensure(site)
    # With two associations or more, the default one's editors keep to its own home.
    ensure_governance()
    password, changed = _administrator_ensure(
        site,
        groups["administrator"],
        username=admin_username.strip(),
        email=admin_email,
        password=admin_password,
    )
    if changed:
        report.created.append("administrator")
    report.admin_username = admin_username.strip()
    report.admin_password = password


# --- export and removal ----------------------------------------------------------------------


def _association_querysets(site: Site) -> dict:
    """What the association owns in the content app and the accounts, by file name."""
    pages = Page.objects.descendant_of(site.root_page, inclusive=True)
    page_ids = list(pages.values_list("pk", flat=True))
    approvals = BoardApproval.objects.filter(site=site)
    return {
        "pages": pages.specific(),
        "revisions": Revision.page_revisions.filter(object_id__in=[str(pk) for pk in page_ids]),
        "faq_categories": FAQCategory.all_sites.filter(site=site),
        "faqs": FAQ.all_sites.filter(site=site),
        "faq_feedback": FAQFeedback.objects.filter(faq__site=site),
        "board_terms": BoardTerm.all_sites.filter(site=site),
        "board_members": BoardMember.objects.filter(term__site=site),
        "approvals": approvals,
        "approval_members": BoardApprovalMember.objects.filter(approval__in=approvals),
        "approval_archives": ApprovalArchive.objects.filter(approval__in=approvals),
        "withdrawals": PolicyWithdrawal.objects.filter(policy_id__in=page_ids),
        "policy_imports": PolicyImport.objects.filter(policy_id__in=page_ids),
        "role_groups": Group.objects.filter(association_role__site=site),
        "synonyms": SynonymSet.all_sites.filter(site=site),
        "site": Site.objects.filter(pk=site.pk),
    }


def association_export(site: Site) -> bytes:
    """A zip of JSON files (Django's serialisation), one per kind of row, and a manifest."""
    buffer = io.BytesIO()
    counts = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, queryset in _association_querysets(site).items():
            rows = list(queryset)
            counts[name] = len(rows)
            archive.writestr(f"{name}.json", serializers.serialize("json", rows, indent=1))
        casework = association_casework_export(site)
        archive.writestr(
            "casework.json", json.dumps(casework, cls=DjangoJSONEncoder, ensure_ascii=False)
        )
        counts["casework"] = {name: len(rows) for name, rows in casework.items()}
        manifest = {"site": site.pk, "hostname": site.hostname, "rows": counts}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return buffer.getvalue()


@transaction.atomic
def association_remove(site: Site) -> bytes:
    """Export the association's data, then delete it; returns the export. The default
    association cannot be removed. The board's records are deleted with it (exported first)."""
    if site.is_default_site:
        raise ValidationError(_("The default association cannot be removed."))
    export = association_export(site)
    sets = _association_querysets(site)
    with association(site), records_unlocked(), acting(None):
        association_casework_delete(site)  # submissions keep their association (PROTECT)
        # The records' own querysets refuse delete(); Django's plain one deletes them here,
        # what points at a record first (the import that confirmed it, its archive, members,
        # corrections), then the records.
        page_ids = list(sets["pages"].values_list("pk", flat=True))
        sets["policy_imports"].delete()
        sets["approval_archives"].delete()
        for queryset in (
            BoardApprovalMember.objects.filter(approval__site=site),
            PolicyWithdrawal.objects.filter(policy_id__in=page_ids),
            BoardApproval.objects.filter(site=site, corrects__isnull=False),
            BoardApproval.objects.filter(site=site),
        ):
            models.QuerySet.delete(queryset)
        sets["faqs"].delete()
        sets["faq_categories"].delete()
        BoardMember.objects.filter(term__site=site).delete()
        sets["board_terms"].delete()
        home = site.root_page
        groups = list(sets["role_groups"])
        GroupPagePermission.objects.filter(group__in=groups).delete()
        RoleGroup.objects.filter(site=site).delete()
        for group in groups:
            group.delete()
        site.delete()
        home.delete()
    return export
