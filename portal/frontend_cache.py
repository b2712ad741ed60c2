"""What the caching proxy may keep, and what to purge from it when public content changes.

The proxy (deploy/nginx.conf) keeps a response only when Django marks it `public, s-maxage`
(portal.proxy.SharedCacheHeadersMiddleware), and Django marks only the URL shapes listed here:
each public page and public content read with no query string or with one of the few query
strings the site itself links to (a catalogue category, an adjacent-version comparison, a
`locale`). Every one of those URLs is enumerable, so a change purges all of them, in both
languages, within the request that made it: a board approval, a correction or withdrawal, a
FAQ or profile edit, any page published or unpublished. Wagtail's frontend-cache invalidation
(`wagtail.contrib.frontend_cache`) carries the purge to the proxy through NginxPurgeBackend.
"""

import http.client
import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.encoding import iri_to_uri

from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.contrib.frontend_cache.utils import get_backends

from portal.core.commit import gather_after_commit
from portal.core.public_memory import draw_new_token

logger = logging.getLogger(__name__)

LANGUAGE_PREFIX = re.compile(r"^/(ar|en)/")
LOCALE_QUERIES = ("", "locale=ar", "locale=en")

# Responses that carry a secret or a person's data: never kept by any cache.
PERSONAL_VIEWS = frozenset(
    {
        "intake_help_request",  # forms carry one-time tokens
        "intake_volunteer",
        "intake_help_received",
        "intake_track",
        "intake_rate",
        "intake_attachment",
        "intake_complaint",
        "intake_complaint_received",
        "intake_track_attachment",
        "intake_resume",
        "intake_track_lookup",
        "intake_track_code",
        "api:tracking",
    }
)
PERSONAL_VIEW_PREFIXES = ("api:staff-",)
PERSONAL_PREFIXES = ("/admin/", "/documents/")

# Views whose anonymous answer is the same for everyone, with the query strings a purge covers.
PUBLIC_VIEWS = {
    "api:root": LOCALE_QUERIES,
    "api:association": LOCALE_QUERIES,
    "api:policy": LOCALE_QUERIES,
    "api:policy-version": LOCALE_QUERIES,
    "api:approvals": LOCALE_QUERIES,
    "api:faqs": LOCALE_QUERIES,
    "wagtailapi:pages:listing": LOCALE_QUERIES,
    "wagtailapi:pages:detail": LOCALE_QUERIES,
    "site_search": ("",),
    "intake_service_report": ("",),
    "intake_complaints_report": ("",),
    "sitemap": ("",),
    "robots_txt": ("",),
}


def policy_category_queries(*, with_locale: bool) -> list[str]:
    from cms.models import PolicyCategory

    queries = [f"category={value}" for value in PolicyCategory.values]
    if with_locale:
        queries += [f"{query}&{locale}" for query in queries for locale in LOCALE_QUERIES[1:]]
    return queries


def _view_name(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else None


def public_filing_views() -> set[str]:
    """The website's filing pages, one per kind offered there: they carry drafts and tokens."""
    from forms.casework import registry

    return {kind.public.url_name for kind in registry.kinds() if kind.public}


def filing_views() -> set[str]:
    """The API's filing endpoints, one per kind of submission: their receipts hold the secret
    tracking link."""
    from forms.casework import registry

    return {f"api:{kind.api_slug}" for kind in registry.kinds()}


def is_personal(request) -> bool:
    view = _view_name(request) or ""
    return (
        view in PERSONAL_VIEWS
        or view.startswith(PERSONAL_VIEW_PREFIXES)
        or view in filing_views()
        or view in public_filing_views()
        or request.path.startswith(PERSONAL_PREFIXES)
    )


def is_purgeable(request, response) -> bool:
    """Whether this URL is one a purge reaches (so a shared cache may keep its answer)."""
    view = _view_name(request)
    query = request.META.get("QUERY_STRING", "")
    if view in PUBLIC_VIEWS:
        return query in PUBLIC_VIEWS[view]
    if view == "api:policies":
        return query in LOCALE_QUERIES or query in policy_category_queries(with_locale=True)
    if view != "wagtail_serve":
        return False
    if not query:
        return True
    from cms.models import PolicyIndexPage, PolicyPage

    page = (getattr(response, "context_data", None) or {}).get("page")
    if isinstance(page, PolicyIndexPage):
        return query in policy_category_queries(with_locale=False)
    if isinstance(page, PolicyPage) and request.path.endswith("/compare/"):
        found = re.fullmatch(r"from=(\d{1,4})&to=(\d{1,4})", query)
        return bool(found) and int(found[2]) == int(found[1]) + 1
    return False


# --- the URLs a change touches ----------------------------------------------------------------


def _with_queries(url: str, queries) -> list[str]:
    return [f"{url}?{query}" if query else url for query in queries]


def site_root(site) -> str:
    return site.root_url.rstrip("/")


def policy_urls(policy) -> set[str]:
    """Every cached URL that shows this policy: its page with history, versions and adjacent
    comparisons, the catalogue, the home page, the search page, the sitemap and the API."""
    from cms.models import BoardApproval, PolicyIndexPage

    page_url = policy.get_full_url()
    if page_url is None:
        return set()
    site = policy.get_site()
    root = site_root(site)
    numbers = sorted(
        set(BoardApproval.objects.filter(policy_id=policy.pk).values_list("version", flat=True))
    )
    urls = {page_url, page_url + "history/", page_url + "compare/"}
    urls.update(f"{page_url}versions/{number}/" for number in numbers)
    urls.update(f"{page_url}compare/?from={a}&to={a + 1}" for a in numbers if a + 1 in numbers)
    for catalogue in PolicyIndexPage.objects.ancestor_of(policy).live():
        catalogue_url = catalogue.get_full_url()
        if catalogue_url:
            urls.update(
                _with_queries(catalogue_url, ["", *policy_category_queries(with_locale=False)])
            )
            urls.add(catalogue_url + "register/")
    urls.update(_with_queries(f"{root}/api/v1/approvals/", LOCALE_QUERIES))
    api = f"{root}/api/v1/policies/"
    urls.update(_with_queries(api, [*LOCALE_QUERIES, *policy_category_queries(with_locale=True)]))
    urls.update(_with_queries(f"{api}{policy.slug}/", LOCALE_QUERIES))
    for number in numbers:
        urls.update(_with_queries(f"{api}{policy.slug}/versions/{number}/", LOCALE_QUERIES))
    urls.update(page_urls(policy))
    return urls


def page_urls(page) -> set[str]:
    """A page, its parent (which may list it), the home page, search, sitemap and Wagtail's API."""
    page_url = page.get_full_url()
    if page_url is None:
        return set()
    root = site_root(page.get_site())
    urls = {page_url + path.lstrip("/") for path in page.specific_deferred.get_cached_paths()}
    parent = page.get_parent()
    if parent is not None and (parent_url := parent.get_full_url()):
        urls.add(parent_url)
    home = page.get_site().root_page
    if home_url := home.get_full_url():
        urls.add(home_url)
        urls.add(home_url + "search/")
    urls.add(f"{root}/sitemap.xml")
    urls.update(_with_queries(f"{root}/api/v2/pages/", LOCALE_QUERIES))
    urls.update(_with_queries(f"{root}/api/v2/pages/{page.pk}/", LOCALE_QUERIES))
    return urls


def faq_urls() -> set[str]:
    """FAQ pages, the policies that list related questions, the FAQ API, search and home."""
    from wagtail.models import Site

    from cms.models import FAQPage, PolicyPage

    urls: set[str] = set()
    for site in Site.objects.all():
        urls.update(_with_queries(f"{site_root(site)}/api/v1/faqs/", LOCALE_QUERIES))
    for page in FAQPage.objects.live():
        urls.update(page_urls(page))
    for policy in PolicyPage.objects.live().filter(faqs__isnull=False).distinct():
        if policy_url := policy.get_full_url():
            urls.add(policy_url)
    return urls


def site_urls(site) -> set[str]:
    """Everything cached for one association's site (its profile shows on every page)."""
    from cms.models import PolicyPage

    root = site_root(site)
    urls = set()
    for page in site.root_page.get_descendants(inclusive=True).live().specific():
        urls.update(policy_urls(page) if isinstance(page, PolicyPage) else page_urls(page))
    for view, queries in (("association", LOCALE_QUERIES), ("", LOCALE_QUERIES)):
        urls.update(_with_queries(f"{root}/api/v1/{view}/" if view else f"{root}/api/v1/", queries))
    urls.update(_with_queries(f"{root}/api/v1/faqs/", LOCALE_QUERIES))
    urls.add(f"{root}/robots.txt")
    return urls


# --- purging ------------------------------------------------------------------------------------


class NginxPurgeBackend(BaseBackend):
    """Purges nginx's cache through the purge server of deploy/nginx.conf (ngx_cache_purge).

    The proxy's cache key is `scheme|host|language|request URI`, where the language is `-` for
    the language-prefixed public pages and the negotiated `ar`/`en` for everything else; one
    purge request is sent per key, all over one kept-alive connection.
    """

    def __init__(self, params):
        super().__init__(params)
        location = urlsplit(params["LOCATION"])
        self.netloc = location.netloc
        self.path = location.path or "/purge"
        self.schemes = params.get("SCHEMES", ["https"])
        self.languages = params.get("LANGUAGES", [code for code, _name in settings.LANGUAGES])
        self.timeout = params.get("TIMEOUT", 2)

    def keys(self, url: str) -> list[dict]:
        parts = urlsplit(url)
        uri = iri_to_uri(parts.path + (f"?{parts.query}" if parts.query else ""))
        languages = ["-"] if LANGUAGE_PREFIX.match(parts.path) else self.languages
        return [
            {
                "Host": parts.netloc,
                "X-Purge-Scheme": scheme,
                "X-Purge-Language": language,
                "X-Purge-URI": uri,
            }
            for scheme in self.schemes
            for language in languages
        ]

    def purge(self, url) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls) -> None:
        connection = http.client.HTTPConnection(self.netloc, timeout=self.timeout)
        try:
            for url in urls:
                for headers in self.keys(url):
                    connection.request("PURGE", self.path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    if response.status not in (200, 404):  # 404: that key was not cached
                        raise PurgeFailed(f"proxy answered {response.status} to a purge")
        finally:
            connection.close()


class PurgeFailed(Exception):
    pass


def purge_after_commit(urls: set[str]) -> None:
    """Purge these URLs once the current transaction commits (at once outside one); the URLs of
    one transaction are gathered and purged together, once."""
    if not urls or not get_backends():
        return
    gather_after_commit(_purge_gathered, dict.fromkeys(urls))


def _purge_gathered(urls: dict) -> None:
    purge_now(set(urls))


def purge_now(urls) -> None:
    """Purge at once, so a change is visible through the proxy within the second; when the
    proxy cannot be reached, the worker retries through Wagtail's purge task."""
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

    # What the web processes keep of public reads is forgotten first, so no answer the proxy
    # keeps after this purge is rendered from before the change (portal.core.public_memory).
    draw_new_token()
    urls = sorted(urls)
    try:
        purge_urls_from_cache_task.call(urls)
    except (OSError, http.client.HTTPException, PurgeFailed) as error:
        logger.warning("proxy purge failed (%s); queued for the worker", type(error).__name__)
        try:
            purge_urls_from_cache_task.enqueue(urls)
        except Exception:  # noqa: BLE001 - the proxy's TTL bounds the staleness
            logger.warning("could not queue the proxy purge", exc_info=True)


# --- what triggers a purge ------------------------------------------------------------------------


def _on_page_change(sender, instance, **kwargs):
    from cms.models import PolicyPage

    page = instance.specific
    purge_after_commit(policy_urls(page) if isinstance(page, PolicyPage) else page_urls(page))


def _on_approval(sender, instance, created, **kwargs):
    purge_after_commit(policy_urls(instance.policy))


def _on_faq_change(sender, instance, **kwargs):
    purge_after_commit(faq_urls())


def _on_profile_change(sender, instance, **kwargs):
    purge_after_commit(site_urls(instance.site))


def connect_signals() -> None:
    from wagtail.signals import page_published, page_unpublished

    from cms.models import FAQ, AssociationProfile, BoardApproval, FAQCategory, PolicyWithdrawal

    page_published.connect(_on_page_change, dispatch_uid="sila-purge-published")
    page_unpublished.connect(_on_page_change, dispatch_uid="sila-purge-unpublished")
    for model in (BoardApproval, PolicyWithdrawal):
        post_save.connect(_on_approval, sender=model, dispatch_uid=f"sila-purge-{model.__name__}")
    for model in (FAQ, FAQCategory):
        post_save.connect(_on_faq_change, sender=model, dispatch_uid=f"sila-purge-{model.__name__}")
        post_delete.connect(
            _on_faq_change, sender=model, dispatch_uid=f"sila-purge-del-{model.__name__}"
        )
    post_save.connect(_on_profile_change, sender=AssociationProfile, dispatch_uid="sila-purge-site")
