"""The inbox's roles: who works help requests, who decides them, who works volunteer
applications, who works complaints and suggestions, who manages users. Created after every
migrate, so a fresh install has them.

Communications staff and board secretaries (cms.governance) hold none of these permissions,
so they see no submissions at all."""

from django.utils.translation import gettext_lazy as _

from portal.accounts.associations import association_roles_ensure_all
from portal.core.roles import group_ensure, role_declare

OFFICERS = "مسؤولو علاقات المستفيدين"
RESEARCHERS = "الباحثون الاجتماعيون"
COMMITTEE = "لجنة البحث الاجتماعي"
VOLUNTEER_COORDINATORS = "منسقو التطوع"
COMPLAINTS_OFFICERS = "مسؤولو الشكاوى والمقترحات"
ADMINISTRATORS = "مديرو النظام"

# What a member of each group is called, in the admin's language (assignee choices).
ROLE_LABELS = {
    OFFICERS: _("Beneficiary-relations officer"),
    RESEARCHERS: _("Social researcher"),
    COMMITTEE: _("Research committee member"),
    VOLUNTEER_COORDINATORS: _("Volunteer coordinator"),
    COMPLAINTS_OFFICERS: _("Complaints officer"),
    ADMINISTRATORS: _("Administrator"),
}

# Each association has its own group per role (portal.accounts.associations); the slug names it.
ROLE_SLUGS = {
    OFFICERS: "officer",
    RESEARCHERS: "researcher",
    COMMITTEE: "committee",
    VOLUNTEER_COORDINATORS: "coordinator",
    COMPLAINTS_OFFICERS: "complaints",
    ADMINISTRATORS: "administrator",
}

ROLES: dict[str, list[tuple[str, str]]] = {
    # Beneficiary-relations officers receive, verify, refer, deliver and close; they record
    # off-line requests and export the lists.
    OFFICERS: [
        ("intake", "view_helprequest"),
        ("intake", "add_helprequest"),
        ("intake", "work_helprequest"),
        ("intake", "export_helprequest"),
        ("intake", "view_supporttype"),
    ],
    # The social-research officer studies the files referred to them.
    RESEARCHERS: [
        ("intake", "view_helprequest"),
        ("intake", "work_helprequest"),
        ("intake", "view_supporttype"),
    ],
    # The research committee decides referred requests: accept, reject, or send back.
    COMMITTEE: [
        ("intake", "view_helprequest"),
        ("intake", "decide_helprequest"),
    ],
    VOLUNTEER_COORDINATORS: [
        ("intake", "view_volunteerapplication"),
        ("intake", "work_volunteerapplication"),
        ("intake", "export_volunteerapplication"),
    ],
    # Complaints officers receive complaints and suggestions, refer them to the responsible
    # manager, answer them and close them; they export the list. Nobody else sees them.
    COMPLAINTS_OFFICERS: [
        ("intake", "view_complaint"),
        ("intake", "work_complaint"),
        ("intake", "export_complaint"),
    ],
    ADMINISTRATORS: [
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "view_user"),
        ("auth", "delete_user"),
        ("auth", "view_group"),
        ("auth", "change_group"),
    ],
}


# Every inbox role may use the staff API with tokens of its own (Settings → API tokens); the
# administrators list and revoke anyone's.
API_TOKENS = [
    ("wagtailcore", f"{action}_apitoken") for action in ("add", "change", "delete", "view")
]


def _declare() -> None:
    for name, permissions in ROLES.items():
        role_declare(
            ROLE_SLUGS[name],
            group_name=name,
            label=ROLE_LABELS[name],
            permissions=[("wagtailadmin", "access_admin"), *API_TOKENS, *permissions],
        )


_declare()


def ensure_inbox_groups() -> None:
    """Idempotent: every association's groups (the default association's keep the names above)
    with exactly the permissions listed above (plus admin access and API tokens)."""
    for name, permissions in ROLES.items():
        group_ensure(
            name=name, permissions=[("wagtailadmin", "access_admin"), *API_TOKENS, *permissions]
        )
    association_roles_ensure_all()
