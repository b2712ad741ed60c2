"""Template helpers for the public site: languages, navigation."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from wagtail.models import Site

from portal.core.dates import HijriDate, gregorian_numeric
from portal.core.public_memory import ProcessMemory, public_token
from portal.menu import cached_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[dict]:
    """The current page in every site language: code, native name, URL, and whether it is current.

    Feeds both the language switcher and the `hreflang` alternates, so they always agree.
    """
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    alternates = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        alternates.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(path, code),
                "bidi": info["bidi"],
                "is_current": code == current,
            }
        )
    return alternates


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """The home page's live, public children marked "show in menus": pk, title and URL.

    Cached per site and language; portal.menu clears it whenever pages are published,
    unpublished, moved or deleted, so the menu costs no query on most requests.
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    return cached_menu(site, request)


@register.simple_tag
def public_services() -> list[dict]:
    """The services the public reaches from every page: each kind offered on the website, then
    finding a request again."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from forms.casework import registry

    offered = sorted(
        (kind for kind in registry.kinds() if kind.public), key=lambda k: k.public.order
    )
    services = [
        {
            "label": str(kind.public.nav_label),
            "url": reverse(kind.public.url_name),
            "name": kind.public.url_name,
        }
        for kind in offered
    ]
    services.append(
        {
            "label": gettext("Track a request"),
            "url": reverse("intake_track_lookup"),
            "name": "intake_track_lookup",
        }
    )
    return services


@register.simple_tag
def services_for_query(query: str) -> list[dict]:
    """The services a search is about ("help", "مساعدة", "تطوع", "track"…): shown above the
    results, so a search leads to the form as well as to the policies."""
    from forms.casework import registry
    from search.text.arabic import search_terms

    asked = set(search_terms(query or ""))
    if not asked:
        return []
    keywords = {
        kind.public.url_name: kind.public.keywords for kind in registry.kinds() if kind.public
    }
    keywords["intake_track_lookup"] = TRACKING_KEYWORDS
    found = []
    for service in public_services():
        words = set(search_terms(" ".join([service["label"], *keywords.get(service["name"], ())])))
        if asked & words:
            found.append(service)
    return found


TRACKING_KEYWORDS = ("track", "follow", "status", "reference", "متابعة", "حالة", "مرجعي", "تتبع")


@register.simple_tag(takes_context=True)
def home_url(context) -> str:
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return f"/{get_language()}/"
    return site.root_page.get_url(request=request) or f"/{get_language()}/"


@register.filter
def gregorian(value) -> str:
    """21/5/2024"""
    return gregorian_numeric(value) if value else ""


@register.filter
def hijri(value) -> str:
    """13/11/1445 (Umm al-Qura) for a Gregorian date."""
    return HijriDate.from_gregorian(value).numeric() if value else ""


# --- fragments remembered per process -----------------------------------------------------------

_fragments = ProcessMemory(512)


def public_page_request(request) -> bool:
    """A GET of a public page of the site (Wagtail's pages): never a form, a tracking link or
    any other answer that holds a secret or a person's data."""
    match = getattr(request, "resolver_match", None)
    return (
        request is not None
        and request.method in ("GET", "HEAD")
        and match is not None
        and match.view_name == "wagtail_serve"
    )


class RememberedNode(template.Node):
    def __init__(self, nodelist, name: str, parts: list):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts

    def render(self, context) -> str:
        request = context.get("request")
        if not public_page_request(request):
            return self.nodelist.render(context)
        site = Site.find_for_request(request)
        key = (
            self.name,
            site.pk if site else None,
            get_language(),
            request.is_secure(),
            request.get_host(),
            *(repr(part.resolve(context)) for part in self.parts),
        )
        token = public_token(request)
        html = _fragments.get(token, key)
        if html is None:
            html = self.nodelist.render(context)
            _fragments.set(token, key, html)
        return html


@register.tag("remembered")
def remembered(parser, token):
    """`{% remembered "name" part … %}…{% endremembered %}`: the enclosed HTML rendered once
    per process for the site, language, scheme and host and the given parts, under the public
    token (portal.core.public_memory): any publish, approval or profile edit renders it anew.
    Only on the site's public pages, for markup that depends on nothing else (no forms, no
    user); elsewhere it is rendered each time."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("remembered needs a name")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    return RememberedNode(
        nodelist, bits[1].strip("\"'"), [parser.compile_filter(b) for b in bits[2:]]
    )
