"""What a public page view reads, kept in each process's memory under the public token
(portal.core.public_memory): the site for a host, where a URL path leads (and the page there,
a copy per request), the view restrictions of a page, the association's profile. Any save,
publish, move or deletion of a page, and any change of a site, a restriction, a profile, an
approval, a withdrawal, an archive or the board register draws a new token, so a change is seen
by every process at its next request.

Only GET and HEAD requests use the memory; anything else reads the database as before.
"""

import copy

from django.db.models.signals import post_delete, post_save

from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.url_routing import RouteResult

from portal.core.associations import site_for_request
from portal.core.public_memory import ProcessMemory, public_token, remembered, renew

SAFE_METHODS = ("GET", "HEAD")

_routes = ProcessMemory(4096)
_restrictions = ProcessMemory(4096)
_settings = ProcessMemory(64)
_site_root_paths = ProcessMemory(1)


def reads_from_memory(request) -> bool:
    return request is not None and request.method in SAFE_METHODS


# --- the site -------------------------------------------------------------------------------


def remember_site(request) -> None:
    """Answer Wagtail's `Site.find_for_request` for this request from memory (one query per
    host and token, not one per request: portal.core.associations.site_for_request)."""
    if reads_from_memory(request):
        site_for_request(request)


# --- routing ----------------------------------------------------------------------------------


def route(root, request, path_components, walk):
    """Wagtail's route from the site's root page, with the page a path leads to remembered (a
    copy per request): a remembered path costs no query instead of two per level. The page then
    routes the rest of the path itself (a routable page's own views), exactly as Wagtail's walk
    would from there."""
    if not reads_from_memory(request):
        return walk(request, path_components)
    token = public_token(request)
    key = (root.pk, tuple(path_components))
    found = _routes.get(token, key)
    if found is not None:
        page, consumed = found
        return fresh_copy(page).route(request, list(path_components[consumed:]))
    result = walk(request, path_components)
    page = result.page
    if page is root:  # the site's root, kept with the site: each request its own copy
        return RouteResult(fresh_copy(root), args=result.args, kwargs=result.kwargs)
    consumed = page.depth - root.depth
    if page.path.startswith(root.path) and 0 < consumed <= len(path_components):
        _routes.set(token, key, (fresh_copy(page), consumed))
    return result


def fresh_copy(page):
    """A copy of a remembered page for one request: what a request caches on its page object
    (cached properties, a routable page's context) stays with that request."""
    kept = copy.copy(page)
    for name in FORGOTTEN_PER_REQUEST:
        kept.__dict__.pop(name, None)
    return kept


# What a request leaves on its page object that must not reach the next request: read again
# (a policy's versions, version in force and withdrawal are remembered apart, cms.selectors).
FORGOTTEN_PER_REQUEST = (
    "versions",
    "in_force",
    "withdrawal",
    "_approval_of_revision",
    "specific",
    "_sila_site_root_paths",
    "_wagtail_cached_site_root_paths",
)


# --- view restrictions ------------------------------------------------------------------------


def view_restrictions(page, read):
    """The page's view restrictions (its own and its ancestors'), remembered per page.

    Returns a queryset whose results are already known: iterating it costs no query, and any
    further filtering or ordering asks the database afresh."""
    token = public_token()
    known = _restrictions.get(token, page.pk)
    if known is None:
        known = list(read())
        _restrictions.set(token, page.pk, known)
    queryset = PageViewRestriction.objects.filter(pk__in=[r.pk for r in known])
    queryset._result_cache = list(known)
    queryset._prefetch_done = True
    return queryset


class SiteRootPaths:
    """Every site's root paths, as Wagtail lists them (most specific first), and the ones a
    page lies under, found from its URL path's own prefixes: a look-up per level of the path
    rather than a pass over every site's paths for every link (with a thousand associations,
    a page of fifty links compared 100,000 paths)."""

    def __init__(self, paths):
        self.paths = paths
        self._by_root: dict[str, list] = {}
        for path in paths:
            self._by_root.setdefault(path.root_path, []).append(path)

    def relevant(self, url_path: str) -> tuple:
        """What `Page._get_relevant_site_root_paths` answers: the root paths that `url_path`
        starts with, in the list's order (a longer root path first)."""
        found = []
        end = len(url_path)
        while end > 0:  # "/home/policies/p/", "/home/policies/", "/home/", "/"
            found.extend(self._by_root.get(url_path[:end], ()))
            end = url_path.rfind("/", 0, end - 1) + 1
        return tuple(found)


def site_root_paths(cache_object) -> SiteRootPaths:
    """The site root paths, kept in the process's memory under the public token (a change of
    a site or a page draws a new one) and on `cache_object` (the request) for its lifetime.

    Under a new token they are read from the database, not from Wagtail's shared cache: a
    reader between a change and its commit may have put the old paths back there."""
    try:
        return cache_object._sila_site_root_paths
    except AttributeError:
        pass

    def read() -> SiteRootPaths:
        Site.clear_site_root_paths_cache()
        return SiteRootPaths(Site.get_site_root_paths())

    found = remembered(_site_root_paths, "all", read)
    cache_object._sila_site_root_paths = found
    # Wagtail's own pages (a page read without its type) use the same list
    cache_object._wagtail_cached_site_root_paths = found.paths
    return found


class PublicReadsPageMixin:
    """For every page type of the site: view restrictions from the process's memory, and the
    sites' root paths from it, indexed by path."""

    def get_view_restrictions(self):
        return view_restrictions(self, super().get_view_restrictions)

    def _get_site_root_paths(self, cache_object=None, **kwargs):
        return site_root_paths(cache_object or self).paths

    def _get_relevant_site_root_paths(self, cache_object=None):
        return site_root_paths(cache_object or self).relevant(self.url_path)


# --- site settings --------------------------------------------------------------------------


def site_setting(model, request, read):
    """A site setting for this request's site, remembered per site (a copy per request, so
    nothing set on it for one request reaches another)."""
    if not reads_from_memory(request):
        return read(request)
    site = Site.find_for_request(request)
    if site is None:
        return read(request)
    token = public_token(request)
    key = (model._meta.label, site.pk)
    instance = _settings.get(token, key)
    if instance is None:
        instance = model.for_site(site)
        _settings.set(token, key, instance)
    return copy.copy(instance)


# --- what draws a new token -------------------------------------------------------------------


def _renew_unless_created(sender, instance, created, **kwargs) -> None:
    if not created:
        renew()


CHANGING = (
    "cms.BoardApproval",
    "cms.PolicyWithdrawal",
    "cms.ApprovalArchive",
    "cms.BoardTerm",
    "cms.BoardMember",
)


def connect_signals() -> None:
    page_published.connect(renew, dispatch_uid="sila-public-published")
    page_unpublished.connect(renew, dispatch_uid="sila-public-unpublished")
    post_page_move.connect(renew, dispatch_uid="sila-public-moved")
    # A profile made empty on the first read of a site's settings shows what none showed.
    post_save.connect(
        _renew_unless_created, sender="cms.AssociationProfile", dispatch_uid="sila-public-profile"
    )
    post_delete.connect(
        renew, sender="cms.AssociationProfile", dispatch_uid="sila-public-profile-del"
    )
    for model in (Site, PageViewRestriction, Page, *get_page_models(), *CHANGING):
        label = model if isinstance(model, str) else model._meta.label
        post_save.connect(renew, sender=model, dispatch_uid=f"sila-public-save-{label}")
        post_delete.connect(renew, sender=model, dispatch_uid=f"sila-public-delete-{label}")
