"""WSGI entry point for Sila."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

# gunicorn imports this module once, in its master, and forks the workers from it.
from portal.warmup import warm  # noqa: E402

warm()
