"""The content roles every association has: communications staff (editors) and board
secretaries. Their groups and page-tree rights per association come from
portal.accounts.associations; the default association keeps the groups of cms.governance.setup."""

from django.utils.translation import gettext_lazy as _

from cms.governance.setup import BOARD_SECRETARIES, COMMUNICATIONS_STAFF
from portal.core.roles import role_declare

role_declare(
    "editor",
    group_name=COMMUNICATIONS_STAFF,
    label=_("Communications staff"),
    permissions=[
        ("wagtailadmin", "access_admin"),
        ("search", "add_synonymset"),
        ("search", "change_synonymset"),
        ("search", "delete_synonymset"),
        ("search", "view_synonymset"),
    ],
    # Editors draft and submit; they never hold "publish" (policies refuse it anyway).
    page_permissions=["add_page", "change_page"],
    collection_permissions=[
        *(("wagtailimages", c) for c in ("add_image", "change_image", "choose_image")),
        *(("wagtaildocs", c) for c in ("add_document", "change_document", "choose_document")),
    ],
)

role_declare(
    "secretary",
    group_name=BOARD_SECRETARIES,
    label=_("Board secretary"),
    permissions=[
        ("wagtailadmin", "access_admin"),
        ("cms", "add_boardterm"),
        ("cms", "change_boardterm"),
        ("cms", "view_boardterm"),
        ("cms", "view_boardapproval"),
    ],
    page_permissions=["change_page"],
    collection_permissions=[("wagtaildocs", c) for c in ("add_document", "choose_document")],
)
