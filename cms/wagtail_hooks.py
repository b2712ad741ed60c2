"""Admin integration for the content app."""

from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks


@hooks.register("insert_global_admin_css")
def bilingual_fields_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("cms/admin/bilingual-fields.css")
    )


@hooks.register("insert_global_admin_js")
def bilingual_fields_js():
    return format_html('<script src="{}" defer></script>', static("cms/admin/bilingual-fields.js"))
