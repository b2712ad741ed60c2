"""Fields of the intake app that hold both languages."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .models import MessageTemplate, SupportType


@register(SupportType)
class SupportTypeTranslation(TranslationOptions):
    fields = ("name", "required_documents")


@register(MessageTemplate)
class MessageTemplateTranslation(TranslationOptions):
    fields = ("body",)
