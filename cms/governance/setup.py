"""Groups and the board-approval workflow that every install has (created after each migrate)."""

from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission

from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowTask,
)

from portal.core.trees import collection_child_add

COMMUNICATIONS_STAFF = "فريق الاتصال المؤسسي"
BOARD_SECRETARIES = "أمناء سر المجلس"
BOARD_APPROVAL_WORKFLOW = "اعتماد مجلس الإدارة"
BOARD_APPROVAL_TASK = "اعتماد مجلس الإدارة"
MINUTES_COLLECTION = "محاضر مجلس الإدارة"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant(group: Group, *permissions: tuple[str, str]) -> None:
    group.permissions.add(*[_permission(app, codename) for app, codename in permissions])


def ensure_governance() -> None:
    """Idempotent: the editors' and board secretaries' groups, their rights, and the workflow."""
    from cms.models.board import BoardApprovalTask

    editors, _ = Group.objects.get_or_create(name=COMMUNICATIONS_STAFF)
    secretaries, _ = Group.objects.get_or_create(name=BOARD_SECRETARIES)
    _grant(
        editors,
        ("wagtailadmin", "access_admin"),
        # The words readers use for the association's work: editors keep the synonyms of search.
        ("search", "add_synonymset"),
        ("search", "change_synonymset"),
        ("search", "delete_synonymset"),
        ("search", "view_synonymset"),
    )
    _grant(
        secretaries,
        ("wagtailadmin", "access_admin"),
        ("cms", "add_boardterm"),
        ("cms", "change_boardterm"),
        ("cms", "view_boardterm"),
        ("cms", "view_boardapproval"),
    )

    root_page_id = governance_root_page_id()
    tree_root_id = Page.objects.filter(depth=1).values_list("pk", flat=True).first()
    if root_page_id != tree_root_id:
        # Several associations: the default one's editors and secretaries keep to its home.
        GroupPagePermission.objects.filter(
            group__in=[editors, secretaries], page_id=tree_root_id
        ).delete()
    if root_page_id is not None:
        # Editors draft and submit anywhere; they never hold "publish" (policies refuse it anyway).
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.get_or_create(
                group=editors, page_id=root_page_id, permission=_permission("wagtailcore", codename)
            )
        GroupPagePermission.objects.get_or_create(
            group=secretaries,
            page_id=root_page_id,
            permission=_permission("wagtailcore", "change_page"),
        )

    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for group, codenames in (
            (
                editors,
                [("wagtailimages", c) for c in ("add_image", "change_image", "choose_image")]
                + [
                    ("wagtaildocs", c)
                    for c in ("add_document", "change_document", "choose_document")
                ],
            ),
            (secretaries, [("wagtaildocs", c) for c in ("add_document", "choose_document")]),
        ):
            for app, codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=_permission(app, codename)
                )

    if root_collection is not None:
        ensure_minutes_collection(root_collection, secretaries)

    task = BoardApprovalTask.objects.filter(active=True).first()
    if task is None:
        task = BoardApprovalTask.objects.create(name=BOARD_APPROVAL_TASK)
        task.groups.add(secretaries)
    if board_approval_workflow() is None:
        workflow = Workflow.objects.create(name=BOARD_APPROVAL_WORKFLOW, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)


def governance_root_page_id() -> int | None:
    """Where the default association's editors and secretaries hold their page rights: the whole
    tree while the install serves one association, its home once it serves more (so that they
    never reach another association's pages). Only ids: this runs inside migrate, before
    modeltranslation adds Page's title_ar/_en."""
    sites = Site.objects.order_by("-is_default_site", "pk").values_list("root_page_id", flat=True)
    if len(sites[:2]) > 1:
        return sites[0]
    return Page.objects.filter(depth=1).values_list("pk", flat=True).first()


MINUTES_DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


def _permission_of(models, app_label: str, codename: str):
    """A permission through `models`. Django makes permissions after migrating; a data migration
    running on an install that lacks one makes it as Django would."""
    Permission = models.get_model("auth", "Permission")
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if found is not None:
        return found
    model = codename.split("_", 1)[1]
    content_type, _ = models.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label=app_label, model=model
    )
    action = codename.split("_", 1)[0]
    return Permission.objects.create(
        content_type=content_type, codename=codename, name=f"Can {action} {model}"
    )


def ensure_minutes_collection(parent, secretaries, *, models=django_apps):
    """Scans of signed minutes: readable only by board secretaries; the public gets the ones
    the board made public through the policy page's minutes route. One per association, under
    its own collection (`parent`: the root for the default association), readable by its own
    secretaries only. Idempotent. `models`: the installed apps, or a data migration's historical
    models (`parent` and `secretaries` then theirs)."""
    Collection = models.get_model("wagtailcore", "Collection")
    restrictions = models.get_model("wagtailcore", "CollectionViewRestriction").objects
    rights = models.get_model("wagtailcore", "GroupCollectionPermission").objects
    collection = (
        Collection.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1, name=MINUTES_COLLECTION
        )
        .order_by("path")
        .first()
    )
    if collection is None:
        collection = collection_child_add(Collection, parent, MINUTES_COLLECTION)
    restriction = restrictions.filter(collection=collection).first()
    if restriction is None:
        restriction = restrictions.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    restriction.groups.add(secretaries)
    for codename in MINUTES_DOCUMENT_PERMISSIONS:
        rights.get_or_create(
            group=secretaries,
            collection=collection,
            permission=_permission_of(models, "wagtaildocs", codename),
        )
    return collection


def association_minutes_ensure(site, *, models=django_apps):
    """Association `site`'s board-minutes collection, under its own collection, readable and
    filled by its own secretaries only (None: an association without a secretaries' group
    yet). What onboarding makes, and what the data migration gives the associations made
    before onboarding did."""
    from portal.accounts.associations import association_collection

    link = (
        models.get_model("portal", "RoleGroup")
        .objects.filter(site_id=site.pk, role="secretary")
        .select_related("group")
        .first()
    )
    if link is None:
        return None
    parent = association_collection(site, models=models)
    if parent is None:
        return None
    return ensure_minutes_collection(parent, link.group, models=models)


def board_approval_workflow() -> Workflow | None:
    """The active workflow that ends in a board-approval task; every policy goes through it."""
    from cms.models.board import BoardApprovalTask

    return (
        Workflow.objects.filter(
            active=True,
            workflow_tasks__task__in=BoardApprovalTask.objects.filter(active=True),
        )
        .distinct()
        .first()
    )


def ensure_governance_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate runs per app; the groups need every app's permissions, so make them first."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    if sender.label != "cms":
        return
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_governance()
