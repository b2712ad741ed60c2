"""Settings for the demo site that `make run` serves on 127.0.0.1.

DEBUG stays off unless the environment turns it on, so the demo shows the real translated
error pages; static files come straight from the apps through WhiteNoise's finders.
"""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

# A fixed key is fine for a local demo; production refuses to start without its own.
SECRET_KEY = SECRET_KEY or "sila-dev-only-key-not-for-production"  # noqa: S105
# The demo serves each association at <name>.localhost (browsers and curl resolve it locally).
ALLOWED_HOSTS = ["127.0.0.1", "localhost", ".localhost", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SERVE_PUBLIC_MEDIA = True  # only media/public; media/private is never served

VAR_DIR.mkdir(exist_ok=True)
