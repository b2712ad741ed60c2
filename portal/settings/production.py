"""Settings for a real deployment: security-relevant values have no defaults here."""

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CACHES,
    LOGGING,
    REDIS_URL,
    SECRET_KEY,
    SECURE_HSTS_SECONDS_ENV,
    SECURE_SSL_HOST_ENV,
    SECURE_SSL_REDIRECT_ENV,
    TRUSTED_PROXY_COUNT,
)

DEBUG = False

_missing = [
    name
    for name, value in (
        ("SECRET_KEY", SECRET_KEY),
        ("ALLOWED_HOSTS", ALLOWED_HOSTS),
        ("REDIS_URL", REDIS_URL),
    )
    if not value
]
if _missing:
    # One line on stderr and a non-zero exit, not a traceback: the fix is in the environment.
    raise SystemExit(
        "Sila refuses to start with production settings: set "
        + " and ".join(_missing)
        + " in the environment (see the settings table in README.md)."
    )

# --- Production stack: shared limits, proxies, logs ------------------------------------------

# Rate limits and caches must be one store for every worker and host: a per-process (or
# per-host) cache would multiply each limit by the number of processes.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}
if CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
    raise SystemExit(
        "Sila refuses to start with production settings: the cache "
        f"({CACHES['default']['BACKEND']}) is not shared between processes; set REDIS_URL."
    )

if TRUSTED_PROXY_COUNT < 0:
    raise SystemExit("Sila refuses to start: TRUSTED_PROXY_COUNT cannot be negative.")

LOGGING["handlers"]["console"]["formatter"] = "json"

# --- Security ------------------------------------------------------------------------------

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# nginx passes on the X-Forwarded-Proto of a trusted TLS front (and sets it itself otherwise),
# so HTTPS requests are seen as secure: no redirect loop, and HSTS is sent.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE_SSL_REDIRECT_ENV
SECURE_SSL_HOST = SECURE_SSL_HOST_ENV  # host[:port] of the HTTPS site when not the request's
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = SECURE_HSTS_SECONDS_ENV
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Ready for the browsers' preload list (a year, subdomains, preload); submitting the domain
# there is the association's own decision.
SECURE_HSTS_PRELOAD = True
