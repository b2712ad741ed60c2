"""Wagtail's users app with the project's user and group screens (portal.accounts.users)."""

from wagtail.users.apps import WagtailUsersAppConfig


class WagtailUsersConfig(WagtailUsersAppConfig):
    user_viewset = "portal.accounts.users.UserViewSet"
    group_viewset = "portal.accounts.users.GroupViewSet"
