"""Fields that hold both languages (modeltranslation adds `<field>_ar` and `<field>_en`)."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .models import (
    FAQ,
    AssociationProfile,
    BoardApproval,
    BoardApprovalMember,
    BoardMember,
    ContentPage,
    FAQCategory,
    FAQPage,
    HomePage,
    PolicyIndexPage,
    PolicyPage,
    PolicyWithdrawal,
    VolunteerCharterPage,
)


@register(HomePage)
class HomePageTranslation(TranslationOptions):
    fields = ("intro", "body")


@register(VolunteerCharterPage)
class VolunteerCharterPageTranslation(TranslationOptions):
    fields = ("intro", "body")


@register(ContentPage)
class ContentPageTranslation(TranslationOptions):
    fields = ("intro", "body")


@register(AssociationProfile)
class AssociationProfileTranslation(TranslationOptions):
    fields = ("name", "tagline", "address")


@register(PolicyIndexPage)
class PolicyIndexPageTranslation(TranslationOptions):
    fields = ("intro",)


@register(PolicyPage)
class PolicyPageTranslation(TranslationOptions):
    fields = ("summary", "body")


@register(BoardMember)
class BoardMemberTranslation(TranslationOptions):
    fields = ("name",)


@register(BoardApproval)
class BoardApprovalTranslation(TranslationOptions):
    fields = ("decision_text", "change_note")


@register(BoardApprovalMember)
class BoardApprovalMemberTranslation(TranslationOptions):
    fields = ("name",)


@register(PolicyWithdrawal)
class PolicyWithdrawalTranslation(TranslationOptions):
    fields = ("reason",)


@register(FAQCategory)
class FAQCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(FAQ)
class FAQTranslation(TranslationOptions):
    fields = ("question", "answer")


@register(FAQPage)
class FAQPageTranslation(TranslationOptions):
    fields = ("intro",)
