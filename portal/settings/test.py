"""Settings for the test suite: fast hashing, in-memory cache, tasks run at once."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, WAGTAILSEARCH_BACKENDS

# A kind of submission declared outside the intake app, to prove the engine serves it untouched.
# Apps that declare kinds come before Wagtail's, which read the kinds when they load the admin.
INSTALLED_APPS = [
    *INSTALLED_APPS[: INSTALLED_APPS.index("forms") + 1],
    "tests.toykind",
    *INSTALLED_APPS[INSTALLED_APPS.index("forms") + 1 :],
]

DEBUG = False
SECRET_KEY = "sila-test-key"  # noqa: S105
# The three sample associations make every `load_demo` about four times slower (3 s → 12 s);
# tests/portal/test_demo_associations.py turns them on.
DEMO_SAMPLE_ASSOCIATIONS = False
# Each association has its own host: the tests serve them at *.localhost and *.example.org.
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", ".localhost", ".example.org"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "forms.sms.LocmemBackend"
WHATSAPP_BACKEND = "forms.whatsapp.LocmemBackend"
# Steps' messages go at once; the tests of merging set a window.
MESSAGE_MERGE_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILSEARCH_BACKENDS = WAGTAILSEARCH_BACKENDS
WAGTAIL_ENABLE_UPDATE_CHECK = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SERVE_PUBLIC_MEDIA = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "WARNING"},
}

# Applicants' files written by the tests go to a throw-away folder, never to media/private.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sila-private-"))
