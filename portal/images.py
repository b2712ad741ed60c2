"""Images are public files: Wagtail serves an image's original and its renditions from the
media folder without asking its collection's view restriction (documents go through a view
that asks it). An image is therefore refused in a collection that is restricted, or lies under
one (an association's board minutes): what is kept private there stays a document."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.images.forms import BaseImageForm


class PublicImageForm(BaseImageForm):
    """Wagtail's image form (add, edit, several at once, the chooser's upload), refusing a
    restricted collection (settings.WAGTAILIMAGES_IMAGE_FORM_BASE)."""

    def clean_collection(self):
        collection = self.cleaned_data.get("collection")
        if collection is not None and collection.get_view_restrictions().exists():
            raise ValidationError(
                _(
                    "Images are public files: this collection is private. Choose another "
                    "collection, or upload the file as a document."
                ),
                code="private_collection",
            )
        return collection
