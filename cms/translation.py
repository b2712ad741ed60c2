"""Fields that hold both languages (modeltranslation adds `<field>_ar` and `<field>_en`)."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .models import AssociationProfile, ContentPage, HomePage


@register(HomePage)
class HomePageTranslation(TranslationOptions):
    fields = ("intro", "body")


@register(ContentPage)
class ContentPageTranslation(TranslationOptions):
    fields = ("intro", "body")


@register(AssociationProfile)
class AssociationProfileTranslation(TranslationOptions):
    fields = ("name", "tagline", "address")
