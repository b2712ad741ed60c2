"""Wagtail's users, documents and images apps with the project's rules: its user and group
screens (portal.accounts.users), pages kept to the association's host (portal.accounts.pages),
and images and documents kept to the association's collections (portal.accounts.collections)."""

from wagtail.documents.apps import WagtailDocsAppConfig
from wagtail.images.apps import WagtailImagesAppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class WagtailUsersConfig(WagtailUsersAppConfig):
    user_viewset = "portal.accounts.users.UserViewSet"
    group_viewset = "portal.accounts.users.GroupViewSet"

    def ready(self):
        super().ready()
        # In place of Wagtail's page policy (registered when wagtail.permissions is imported).
        from wagtail.models import AbstractPage
        from wagtail.permissions import register_permission_policy

        from portal.accounts.pages import AssociationPagePolicy

        register_permission_policy(AbstractPage, AssociationPagePolicy())


def _register_association_policy(model, auth_model: str) -> None:
    # After Wagtail's own registration (in the app's `ready`), which it replaces.
    from wagtail.permissions import register_permission_policy

    from portal.accounts.collections import AssociationCollectionPolicy

    register_permission_policy(
        model,
        AssociationCollectionPolicy(
            model, auth_model=auth_model, owner_field_name="uploaded_by_user"
        ),
    )


class WagtailDocumentsConfig(WagtailDocsAppConfig):
    def ready(self):
        super().ready()
        from wagtail.documents import get_document_model

        _register_association_policy(get_document_model(), "wagtaildocs.Document")


class WagtailImagesConfig(WagtailImagesAppConfig):
    def ready(self):
        super().ready()
        from wagtail.images import get_image_model

        _register_association_policy(get_image_model(), "wagtailimages.Image")
