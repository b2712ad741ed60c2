"""Settings for a real deployment: security-relevant values have no defaults here."""

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    SECRET_KEY,
    SECURE_HSTS_SECONDS_ENV,
    SECURE_SSL_REDIRECT_ENV,
)

DEBUG = False

_missing = [
    name
    for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
    if not value
]
if _missing:
    # One line on stderr and a non-zero exit, not a traceback: the fix is in the environment.
    raise SystemExit(
        "Sila refuses to start with production settings: set "
        + " and ".join(_missing)
        + " in the environment (see the settings table in README.md)."
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE_SSL_REDIRECT_ENV
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = SECURE_HSTS_SECONDS_ENV
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
