"""The association a piece of work is for. An association is a Wagtail `Site`: its host name(s)
say which association a request is for, and everything an association owns carries its site.

In a request the current association is the request's host (`site_for_request`), set for the
whole request by `CurrentAssociationMiddleware`. Outside requests (tasks, commands) nothing is
current unless the caller says so with `association(site)`: work for one association passes its
site explicitly and never relies on what a previous request left behind."""

import contextlib
import contextvars
import copy

from wagtail.models import Site

from portal.core.public_memory import ProcessMemory, public_token

_current: contextvars.ContextVar = contextvars.ContextVar("sila_current_site", default=None)


_sites = ProcessMemory(64)


def site_for_request(request) -> Site | None:
    """The association a request is for: the site matching its host (Wagtail's own resolution),
    else the default site. Kept on the request, and in the process's memory under the public
    token (a change of any site draws a new one, cms.public_reads), so a request reads no row
    for it; each request gets its own copy."""
    site = getattr(request, "_wagtail_site", None)
    if site is not None:
        return site
    token = public_token(request)
    key = (request._get_raw_host(), request.get_port())
    site = _sites.get(token, key)
    if site is None:
        # Wagtail's resolution, which also refuses a host that ALLOWED_HOSTS does not hold
        site = Site._find_for_request(request)
        if site is None:
            return None
        _sites.set(token, key, site)
    site = copy.copy(site)
    request._wagtail_site = site
    return site


class _OfRequest:
    """The current association of a request, found from its host the first time it is asked for
    (a request that never asks — static files, health checks, the API schema — reads nothing)."""

    __slots__ = ("request", "site", "found")

    def __init__(self, request):
        self.request = request
        self.site = None
        self.found = False

    def get(self) -> Site | None:
        if not self.found:
            self.site = site_for_request(self.request)
            self.found = True
        return self.site


def current_site() -> Site | None:
    """The association of the request (or of the `association` block) being served, or None."""
    value = _current.get()
    return value.get() if isinstance(value, _OfRequest) else value


def set_current_site(site: Site | None) -> contextvars.Token:
    """Make `site` current; returns the token that `reset_current_site` takes back."""
    return _current.set(site)


def reset_current_site(token: contextvars.Token) -> None:
    _current.reset(token)


@contextlib.contextmanager
def association(site: Site | None):
    """Within this block, `site` is the current association (tasks and commands that work for
    one association)."""
    token = set_current_site(site)
    try:
        yield site
    finally:
        reset_current_site(token)


def default_site() -> Site | None:
    """The install's default association (the one existing data belongs to), or the first."""
    return Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()


def current_or_default_site() -> Site | None:
    return current_site() or default_site()


class CurrentAssociationMiddleware:
    """Sets the current association from the request's host for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(_OfRequest(request))
        try:
            return self.get_response(request)
        finally:
            reset_current_site(token)


def current_site_id() -> int | None:
    """The current association's id (else the default's): what a row made without a site names
    (the default of every association key, so a row always belongs to one association)."""
    site = current_or_default_site()
    return site.pk if site else None


def association_by_host(hostname: str = "") -> Site | None:
    """The association served at `hostname` (commands name one this way); the default one for
    an empty name."""
    if not hostname:
        return default_site()
    return (
        Site.objects.filter(hostname=hostname.strip().lower()).order_by("-is_default_site").first()
    )
