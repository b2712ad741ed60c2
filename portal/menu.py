"""The site's main menu, cached per site and language and cleared when the page tree changes."""

from django.core.cache import cache
from django.db.models.signals import post_delete
from django.utils.translation import get_language

from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

VERSION_KEY = "sila:menu:version"


def _version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def cached_menu(site, request) -> list[dict]:
    key = f"sila:menu:{site.pk}:{get_language()}:{_version()}"
    menu = cache.get(key)
    if menu is None:
        pages = site.root_page.get_children().live().public().in_menu().specific()
        menu = [
            {"pk": page.pk, "title": page.title, "url": page.get_url(request=request)}
            for page in pages
        ]
        cache.set(key, menu, timeout=60 * 60)
    return menu


def clear_menu(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def connect_signals() -> None:
    page_published.connect(clear_menu, dispatch_uid="sila-menu-published")
    page_unpublished.connect(clear_menu, dispatch_uid="sila-menu-unpublished")
    post_page_move.connect(clear_menu, dispatch_uid="sila-menu-moved")
    post_delete.connect(clear_menu, sender=Page, dispatch_uid="sila-menu-deleted")
