"""Staff sessions: who is acting (for the role rules), the idle and absolute limits, and the
second factor every role that sees personal data or manages others must prove."""

import time
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, SimpleLazyObject, empty
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.accounts import roles
from portal.core.roles import needs_second_factor

AUTH_AT = "sila_auth_at"
SEEN_AT = "sila_seen_at"
ADMIN_PREFIX = "/admin/"
# Requests the admin makes by itself while a tab stays open: they are not a person's activity.
BACKGROUND_PATHS = ("/admin/editing-sessions/", "/admin/jsi18n/")
# Activity is written to the session at most once a minute: writing it on every request would
# save the session (a transaction and an UPDATE) on every page. The idle limit therefore counts
# from at most a minute before the last request: a session may end that much early, never late.
SEEN_AT_GRAIN_SECONDS = 60


def _login_redirect(request):
    login = reverse("wagtailadmin_login")
    return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")


def concrete_user(user):
    """The user behind django-otp's lazy object, itself around Django's: Wagtail's audit log
    unwraps one lazy level only, and would skip entries whose instance is request.user."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class StaffSessionMiddleware:
    """Signs a session out after STAFF_SESSION_IDLE_SECONDS without a request and
    STAFF_SESSION_MAX_SECONDS after signing in; remembers who acts for the role rules."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, no one signed in: public pages stay as they were (no session read).
            with roles.acting(None):
                return self.get_response(request)
        request.user = SimpleLazyObject(partial(concrete_user, request.user))
        user = request.user
        if user.is_authenticated:
            expired = self.expired(request)
            if expired:
                logout(request)
                if request.path.startswith(ADMIN_PREFIX):
                    messages.info(request, expired)
                    return _login_redirect(request)
            elif not request.path.startswith(BACKGROUND_PATHS):
                now = int(time.time())
                if now - request.session.get(SEEN_AT, 0) >= SEEN_AT_GRAIN_SECONDS:
                    request.session[SEEN_AT] = now
        with roles.acting(request.user if request.user.is_authenticated else None):
            return self.get_response(request)

    @staticmethod
    def expired(request) -> str | None:
        now = time.time()
        session = request.session
        signed_in = session.get(AUTH_AT)
        seen = session.get(SEEN_AT, signed_in)
        if signed_in is None:
            # A session from before these limits: its age is unknown, so it ends now.
            return _("Please sign in again.")
        if now - signed_in > settings.STAFF_SESSION_MAX_SECONDS:
            return _("Your session ended: sessions last at most 12 hours. Please sign in again.")
        if seen is not None and now - seen > settings.STAFF_SESSION_IDLE_SECONDS:
            return _("Your session ended after 30 minutes without activity. Please sign in again.")
        return None


def session_started(sender, request, user, **kwargs) -> None:
    """user_logged_in: the session's clock starts at the password."""
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now


EXEMPT_URL_NAMES = (
    "wagtailadmin_login",
    "wagtailadmin_logout",
    # What every admin page loads, the sign-in screens included: the icons and the catalogue.
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "sila_second_factor_setup",
    "sila_second_factor_verify",
    "sila_second_factor_codes",
)


class SecondFactorMiddleware:
    """A user who must prove a second factor and has not yet in this session is sent to do so
    in the admin, and is anonymous everywhere else (API, documents, public pages)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = tuple(reverse(name) for name in EXEMPT_URL_NAMES)
        return self._exempt

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and not user.is_verified() and needs_second_factor(user):
            path = request.path
            if path.startswith(self.exempt_paths()) or path.startswith(settings.STATIC_URL):
                return self.get_response(request)
            if path.startswith(ADMIN_PREFIX):
                from django_otp import user_has_device

                name = (
                    "sila_second_factor_verify"
                    if user_has_device(user, confirmed=True)
                    else "sila_second_factor_setup"
                )
                target = reverse(name)
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
            request.user = AnonymousUser()
        return self.get_response(request)
