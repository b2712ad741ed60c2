"""Settings shared by every environment; the only module that reads the environment."""

import contextlib
import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from django.utils.translation import gettext_lazy as _

PORTAL_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PORTAL_DIR.parent
VAR_DIR = BASE_DIR / "var"
# The embedded defaults (SQLite, collected static files, SMS files) live in var/, which a fresh
# clone does not have; a read-only install sets DATABASE_URL and STATIC_ROOT elsewhere.
with contextlib.suppress(OSError):
    VAR_DIR.mkdir(exist_ok=True)


def env(name: str, default: str | None = None) -> str | None:
    """An environment variable, with empty strings treated as unset."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


# --- Environment -------------------------------------------------------------------------
# Every variable the project reads is listed in the README's table.

SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sila.sqlite3'}")
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
SITE_BASE_URL = env("SITE_BASE_URL", "http://127.0.0.1:8000")
EMAIL_HOST_ENV = env("EMAIL_HOST")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@sila.localhost")
MEDIA_ROOT_ENV = env("MEDIA_ROOT")
STATIC_ROOT_ENV = env("STATIC_ROOT")
LOG_LEVEL = env("LOG_LEVEL", "INFO")
SECURE_SSL_REDIRECT_ENV = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS_ENV = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_SSL_HOST_ENV = env("SECURE_SSL_HOST")
DEMO_ADMIN_PASSWORD = env("DEMO_ADMIN_PASSWORD", "sila-demo-admin")
# `load_demo` also makes the three sample associations on <name>.localhost (make run); the test
# settings turn it off, so that tests loading the demo get the one model association.
DEMO_SAMPLE_ASSOCIATIONS = env("DEMO_SAMPLE_ASSOCIATIONS", "1") == "1"
SMS_BACKEND = env("SMS_BACKEND", "forms.sms.FileBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", "")
SMS_SENDER = env("SMS_SENDER", "Sila")
WHATSAPP_GATEWAY_URL = env("WHATSAPP_GATEWAY_URL")
WHATSAPP_BACKEND = env(
    "WHATSAPP_BACKEND",
    "forms.whatsapp.HTTPGatewayBackend"
    if WHATSAPP_GATEWAY_URL
    else "forms.whatsapp.UnavailableBackend",
)
WHATSAPP_GATEWAY_TOKEN = env("WHATSAPP_GATEWAY_TOKEN", "")
WHATSAPP_SENDER = env("WHATSAPP_SENDER", "Sila")
# Gateways report delivery to /messages/delivery-report/ with this bearer token (unset: off).
MESSAGE_REPORT_TOKEN = env("MESSAGE_REPORT_TOKEN", "")
# A step's message waits this long, so quick successive steps reach the applicant as one.
MESSAGE_MERGE_SECONDS = int(env("MESSAGE_MERGE_SECONDS", "120"))
EMAIL_BACKEND_ENV = env("EMAIL_BACKEND")
# Drafts of public forms: Fernet keys (comma-separated for rotation; derived from SECRET_KEY when
# unset) and the days a draft is kept after its last save.
FORM_DRAFT_KEY = env("FORM_DRAFT_KEY", "")
FORM_DRAFT_DAYS = int(env("FORM_DRAFT_DAYS", "7"))

# --- Environment: the production stack (proxy, shared cache, pool, health, logs) ---------------
REDIS_URL = env("REDIS_URL")
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (nginx: 1). The client
# address is the entry that many places from the end; anything a client forged stays in front.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
# psycopg 3 connection pool per process (PostgreSQL only): its largest size, 0 switches it off.
DATABASE_POOL_SIZE = int(env("DATABASE_POOL_SIZE", "0"))
# Documents' bytes sent by nginx from its internal location (X-Accel-Redirect, deploy/nginx.conf)
# once Wagtail's view has let the request through; off: Django streams them (no proxy in front).
DOCUMENTS_ACCEL_REDIRECT = env_bool("DOCUMENTS_ACCEL_REDIRECT", default=False)
# How long the caching proxy keeps a public page or API read (it is purged on every change).
PROXY_CACHE_SECONDS = int(env("PROXY_CACHE_SECONDS", "600"))
# The proxy's purge endpoint (deploy/nginx.conf); unset: no proxy cache to purge.
FRONTEND_CACHE_PURGE_URL = env("FRONTEND_CACHE_PURGE_URL")
# /readyz fails when the oldest waiting task has waited longer than this.
TASK_QUEUE_MAX_LAG = int(env("TASK_QUEUE_MAX_LAG", "300"))
LOG_FORMAT = env("LOG_FORMAT", "plain")
# The outbox's promise: seconds before each new attempt at a message that failed (after the
# last one it is marked failed), and how often the workers sweep for messages that are due.
NOTIFICATION_RETRY_DELAYS = [
    int(seconds) for seconds in env_list("NOTIFICATION_RETRY_DELAYS", "60,300,1800,7200,21600")
]
NOTIFICATION_SWEEP_SECONDS = int(env("NOTIFICATION_SWEEP_SECONDS", "30"))
# Catch-up runs (index what is pending, send the receipts that are due) start this many seconds
# after a change asks for one: the changes of that moment are done by one run, not one each.
CATCH_UP_DELAY_SECONDS = float(env("CATCH_UP_DELAY_SECONDS", "1"))

# --- Applications ------------------------------------------------------------------------

INSTALLED_APPS = [
    # modeltranslation must come before the apps whose models it translates.
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "modeltranslation",
    "portal",
    "cms",
    "search",
    "forms",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app, with the project's rules for granting roles (portal.accounts.roles).
    "portal.accounts.apps.WagtailUsersConfig",
    "wagtail.snippets",
    # Wagtail's documents and images apps, kept to the association's collections.
    "portal.accounts.apps.WagtailDocumentsConfig",
    "portal.accounts.apps.WagtailImagesConfig",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # lookups of the PostgreSQL submission search (pg_trgm)
    "django.contrib.sitemaps",
    "csp",
]

MIDDLEWARE = [
    # Production stack: /healthz and /readyz answer before host checks, redirects and sessions;
    # then the request id and the client's address (from the trusted proxies) for every request.
    "portal.health.HealthCheckMiddleware",
    "portal.proxy.RequestContextMiddleware",
    "portal.proxy.SharedCacheHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "portal.middleware.QueryGuardMiddleware",
    "portal.middleware.PublicSiteMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The association the request is for: its host (portal.core.associations).
    "portal.core.associations.CurrentAssociationMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff accounts: the second factor, idle and absolute session limits, who is acting.
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.middleware.StaffSessionMiddleware",
    "portal.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PORTAL_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Data ----------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite waits for a busy database instead of failing at once (the task worker writes too).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("postgresql") and DATABASE_POOL_SIZE:
    # One pool per process, shared by gunicorn's threads; connections are checked before use,
    # so a restarted PostgreSQL costs one failed attempt, not a broken process.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sila",
    }
}
if REDIS_URL:
    # Shared by every process and host: rate limits are one limit, not one per worker.
    # Short timeouts, and a lost connection is a cache miss, not a failed request.
    CACHES["default"] = {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sila",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# django-axes first: it refuses a locked-out account or address before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, with a role's permissions counted only on its association's host.
    "portal.accounts.associations.SiteRoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -----------------------------------------------------------------------------
# Arabic first: the default language, written right to left; English is its twin.

LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("en", _("English")),
]
LOCALE_PATHS = [PORTAL_DIR / "locale"]
TIME_ZONE = "Asia/Riyadh"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_LANGUAGES = ("ar", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ar",)
# One slug serves both languages, so /ar/x/ and /en/x/ are the same page.
WAGTAILMODELTRANSLATION_TRANSLATE_SLUGS = False
WAGTAILMODELTRANSLATION_LOCALE_PICKER = False

# Pages hold both languages in one tree (modeltranslation), not one tree per locale.
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("ar", "العربية")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ar", "العربية"), ("en", "English")]

# --- Files ---------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(STATIC_ROOT_ENV) if STATIC_ROOT_ENV else VAR_DIR / "static"
STATICFILES_DIRS = [PORTAL_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]

# media/public is served at MEDIA_URL; media/private (applicants' files) never is.
MEDIA_BASE = Path(MEDIA_ROOT_ENV) if MEDIA_ROOT_ENV else BASE_DIR / "media"
MEDIA_ROOT = MEDIA_BASE / "public"
PRIVATE_MEDIA_ROOT = MEDIA_BASE / "private"
MEDIA_URL = "/media/"
# Production serves media/public from the reverse proxy or object storage; the demo from Django.
SERVE_PUBLIC_MEDIA = False

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Wagtail -------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "صلة — Sila"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "txt", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents go out through Wagtail's view only (their collection's restriction, their
# association's host), never as files under MEDIA_URL (portal.views.public_media, nginx.conf).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# The file leaves through portal.core.sendfile: as an X-Accel-Redirect to the proxy's internal
# location for MEDIA_ROOT/documents (SENDFILE_URL, DOCUMENTS_ACCEL_REDIRECT), streamed otherwise.
SENDFILE_BACKEND = "portal.core.sendfile"
SENDFILE_ROOT = MEDIA_ROOT / "documents"
SENDFILE_URL = "/sila-internal/documents/" if DOCUMENTS_ACCEL_REDIRECT else None
# Images are public files: none goes into a private collection (portal.images).
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.images.PublicImageForm"
WAGTAILAPI_BASE_URL = SITE_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No third-party avatar requests: the admin shows initials/default avatars only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_COMMENTS_ENABLED = True

# Site search: the database backend (SQLite FTS5, or PostgreSQL full text with the `arabic`
# configuration) by default; Elasticsearch 8 with an Arabic analyser when ELASTICSEARCH_URL is set.
# Every backend indexes and queries text already normalised by search.arabic.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "arabic"
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "wagtail.search.backends.elasticsearch8",
        "URLS": [ELASTICSEARCH_URL],
        "INDEX": "sila_site",
        "TIMEOUT": 5,
        "INDEX_SETTINGS": {
            "settings": {
                "analysis": {
                    "filter": {
                        "arabic_stop": {"type": "stop", "stopwords": "_arabic_"},
                        "arabic_stemmer": {"type": "stemmer", "language": "arabic"},
                    },
                    "analyzer": {
                        "default": {
                            "tokenizer": "standard",
                            "filter": [
                                "lowercase",
                                "decimal_digit",
                                "arabic_normalization",
                                "arabic_stop",
                                "arabic_stemmer",
                            ],
                        }
                    },
                }
            }
        },
    }

# --- Submission search ------------------------------------------------------------------------

# The staff's search of help requests and volunteer applications: the project's database by
# default (SQLite FTS5, or PostgreSQL full text with pg_trgm); Elasticsearch (through the
# Elasticsearch DSL) when ELASTICSEARCH_URL is set, unless SUBMISSION_SEARCH_BACKEND says otherwise.
SUBMISSION_SEARCH_BACKEND = env(
    "SUBMISSION_SEARCH_BACKEND",
    "search.index.elastic.ElasticsearchBackend"
    if ELASTICSEARCH_URL
    else "search.index.database.DatabaseBackend",
)
SUBMISSION_SEARCH_INDEX_PREFIX = env("SUBMISSION_SEARCH_INDEX_PREFIX", "sila")

# --- Inbox ----------------------------------------------------------------------------------

# Finished submissions (closed, withdrawn, invalid, declined, ended) are anonymised after this
# many days without change (`manage.py apply_retention`, run daily by `run_daily_tasks`).
SUBMISSION_RETENTION_DAYS = int(env("SUBMISSION_RETENTION_DAYS", "730"))
# The public service report hides any figure computed from fewer requests than this.
SERVICE_REPORT_MIN_COUNT = int(env("SERVICE_REPORT_MIN_COUNT", "5"))

# --- API -------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api_errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: a request without credentials then gets 401 with WWW-Authenticate.
        "portal.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies must be objects; forms and files as usual.
    "DEFAULT_PARSER_CLASSES": [
        "portal.core.api.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_RATES": {"submissions": "30/hour"},
    # Throttles count the same client address as portal.proxy.client_address.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Sila API",
    "DESCRIPTION": (
        "The headless API of Sila (صلة): association profile, policies, FAQs and requests. "
        "Pass ?locale=ar|en (or Accept-Language) to choose the language of the content."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["portal.api.only_project_endpoints"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.document_shared_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security ------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Nothing of the site is framed by another site; Wagtail's preview views allow their own frame
# (SAMEORIGIN) themselves, and the admin's policy says frame-ancestors 'self'.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp, portal.middleware.SecurityHeadersMiddleware). Public pages
# and the API: nothing inline, nothing from elsewhere; a template that needs an inline script
# gives it nonce="{{ request.csp_nonce }}" and the nonce joins the header for that response.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin and the API's interactive docs write inline scripts and styles of their own
# (date pickers, inline panels; the admin frames its previews): their own policy, still nothing
# from another origin. The sign-in pages, which anyone reaches, need nothing inline and keep the
# public policy.
CONTENT_SECURITY_POLICY_TOOLS = {
    "PATH_PREFIXES": ["/admin/", "/api/docs/"],
    "STRICT_PREFIXES": ["/admin/login/", "/admin/password_reset/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Browser features no page of the site uses (a file input's camera capture needs none of them).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "serial=(), xr-spatial-tracking=()"
)
# Other sites may not embed the pages or the API's answers; public images and documents in
# MEDIA_URL may be shown by the association's other sites (the headless API's clients).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY_SHARED = {"/media/": "cross-origin", "/documents/": "cross-origin"}

# --- Staff accounts ------------------------------------------------------------------------
# Sessions: signed out after 30 minutes without a request, and 12 hours after signing in
# whatever happens (portal.accounts.middleware); the cookie never outlives the session.
STAFF_SESSION_IDLE_SECONDS = 30 * 60
STAFF_SESSION_MAX_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_SECONDS
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout (django-axes): 5 failed sign-ins for one account from one address, or 20 from one
# address whatever the accounts, pause signing in from there for 15 minutes; every new failure
# during the pause starts it again. The address is the client's behind the trusted proxies.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = 5
LOGIN_ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_HANDLER = "portal.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "portal.core.clients.client_address"
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no user names or addresses in the logs
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True

# Second factor (django-otp): TOTP apps and one-time backup codes.
OTP_TOTP_ISSUER = "Sila"
SECOND_FACTOR_BACKUP_CODES = 10

# API tokens (Wagtail's APIToken: only a keyed hash is stored) expire this long after creation.
API_TOKEN_LIFETIME_DAYS = 90

# --- Mail ----------------------------------------------------------------------------------

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if EMAIL_HOST_ENV:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_HOST_ENV
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
if EMAIL_BACKEND_ENV:  # any of Django's mail backends, or a provider's
    EMAIL_BACKEND = EMAIL_BACKEND_ENV

# --- Logging -------------------------------------------------------------------------------
# LOG_FORMAT=json (production's default) writes one JSON object a line with the request id;
# no log line carries a client address, a query string or a tracking secret.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # django.server would log each path of runserver, tracking secrets included.
        "django.server": {"level": "WARNING"},
        # one line per purged URL otherwise
        "wagtail.frontendcache": {"level": "WARNING"},
        # the archival PDFs: one line per step and page otherwise
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Production stack: proxy cache, purge, health, periodic work -----------------------------

# Wagtail's frontend-cache invalidation (its backends, its purge task and language expansion)
# purges the caching proxy (deploy/nginx.conf) after every change of public content;
# portal.frontend_cache connects the changes and lists the URLs each touches. The app itself is
# not installed: its own signal handlers would purge only the page, and before the commit.
WAGTAILFRONTENDCACHE_LANGUAGES = ["ar", "en"]
if FRONTEND_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "portal.frontend_cache.NginxPurgeBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,
            "SCHEMES": ["https"] if SECURE_SSL_REDIRECT_ENV else ["http", "https"],
        }
    }
# The load balancer's probes are answered over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Periodic work, run by the task workers (`manage.py run_worker`) without cron: each entry runs
# once across all workers, every `every` seconds or daily `at` a local time (Asia/Riyadh).
PERIODIC_TASKS = {
    "notification-sweep": {
        "task": "forms.tasks.retry_notifications",
        "every": NOTIFICATION_SWEEP_SECONDS,
    },
    "submission-index-catch-up": {"task": "search.tasks.index_pending_submissions", "every": 60},
    "deadline-reminders": {"task": "forms.tasks.send_deadline_reminders", "at": "06:00"},
    "retention": {"task": "forms.tasks.apply_retention", "at": "03:00"},
    "escalation": {"task": "forms.tasks.escalate_overdue", "at": "06:30"},
    "submission-words-prune": {"task": "search.tasks.prune_submission_words", "at": "03:30"},
    "task-results-prune": {"task": "portal.tasks.prune_task_results", "at": "04:00"},
}

# Workflows publish the approved revision (for policies: the one the board approved).
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflows.finish_workflow"
