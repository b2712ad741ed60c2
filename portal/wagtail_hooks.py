"""Admin registration of the staff accounts (registration only: the views live in
portal/accounts/): the second factor's screens, API tokens, the audit log's actions, and the
association's scope of the page chooser, the explorer and the page screens."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button

from portal.accounts import scoped_admin, second_factor, views
from portal.accounts.associations import pages_in_scope
from portal.accounts.collections import media_in_scope
from portal.accounts.token_views import ApiTokenViewSet
from portal.accounts.users import USER_BULK_ACTIONS
from portal.association_views import AssociationAddView, AssociationListView
from portal.onboarding import user_can_manage_associations


@hooks.register("register_admin_urls")
def second_factor_urls():
    return [
        path("two-factor/setup/", views.SetupView.as_view(), name="sila_second_factor_setup"),
        path("two-factor/verify/", views.VerifyView.as_view(), name="sila_second_factor_verify"),
        path("two-factor/", views.BackupCodesView.as_view(), name="sila_second_factor_codes"),
        path(
            "two-factor/reset/<int:user_id>/",
            views.ResetView.as_view(),
            name="sila_second_factor_reset",
        ),
    ]


@hooks.register("register_admin_viewset")
def api_tokens_viewset():
    return ApiTokenViewSet("wagtailusers_api_tokens", url_prefix="api-tokens")


@hooks.register("register_account_menu_item")
def second_factor_account_item(request):
    return {
        "url": reverse("sila_second_factor_codes"),
        "label": _("Two-step verification"),
        "help_text": _("Your authenticator app and backup codes."),
    }


@hooks.register("register_user_listing_buttons")
def second_factor_reset_button(user, request_user):
    if second_factor.user_can_reset(request_user, user) and second_factor.is_enrolled(user):
        yield Button(
            _("Reset two-step verification"),
            url=reverse("sila_second_factor_reset", args=[user.pk]),
            priority=60,
        )


# The user screens' bulk actions, kept to the association's scope (portal.accounts.users), in
# place of Wagtail's own: registered after them (a later order), so they replace them.
for _action in USER_BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=1)

# The page bulk actions, the same way: another association's pages are not found
# (portal.accounts.scoped_admin).
for _action in scoped_admin.PAGE_BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=1)


# A document is served on its own association's host only (superusers and platform
# administrators: on any, as the admin links to it from the host they work on).
@hooks.register("before_serve_document")
def document_of_the_host(document, request):
    if not media_in_scope(
        type(document).objects.filter(pk=document.pk), actor=request.user
    ).exists():
        raise Http404


# The page chooser and the explorer list the host's association's pages only (superusers and
# platform administrators: every association's), like the user and group screens.
@hooks.register("construct_page_chooser_queryset")
def page_chooser_in_scope(pages, request):
    return pages_in_scope(request.user, pages)


@hooks.register("register_admin_viewset")
def page_viewset():
    # After Wagtail's own (registered first), so that it serves every page type's screens.
    return scoped_admin.PageViewSet()


# The dashboard's panels (to review, in moderation, locked, recent edits) keep to the host's
# association: a person with roles in two associations sees each one's on its own host.
@hooks.register("construct_homepage_panels")
def dashboard_in_scope(request, panels):
    scoped_admin.dashboard_panels_in_scope(panels)


@hooks.register("construct_explorer_page_queryset")
def explorer_in_scope(parent_page, pages, request):
    return pages_in_scope(request.user, pages)


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    for action, label, message in (
        ("sila.account_locked", _("Sign-in locked"), _("Signing in was paused after failures")),
        ("sila.second_factor_enrol", _("Two-step verification set up"), _("An app was set up")),
        ("sila.second_factor_reset", _("Two-step verification reset"), _("The app was removed")),
        ("sila.backup_code_used", _("Backup code used"), _("Signed in with a backup code")),
        ("sila.role_grant", _("Role granted"), _("A role was granted")),
        ("sila.role_withdraw", _("Role withdrawn"), _("A role was withdrawn")),
        ("sila.association_add", _("Association added"), _("An association was added")),
        ("sila.group_permissions", _("Group permissions changed"), _("Permissions changed")),
    ):
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def association_urls():
    return [
        path("associations/", AssociationListView.as_view(), name="sila_associations"),
        path("associations/add/", AssociationAddView.as_view(), name="sila_association_add"),
    ]


class AssociationsMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_manage_associations(request.user)


@hooks.register("register_settings_menu_item")
def associations_menu_item():
    return AssociationsMenuItem(
        _("Associations"), reverse("sila_associations"), icon_name="site", order=150
    )
