"""
Settings for the residency site, read once from the environment (django-environ).

Development: `make run` sets DEBUG=1, which supplies a throwaway secret key and local hosts,
and turns off the HTTPS-only settings. Production: set SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL (and CACHE_URL for Redis); DEBUG stays off by default. README.md lists them all.
"""

import datetime
import re
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from residency import errorreports, release

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Production secrets have no default: without DEBUG, a missing, weak or placeholder one stops start-up.
PLACEHOLDER_WORDS = ("change", "replace", "example", "placeholder", "insecure", "secret-key", "your-", "xxxx")


def _refuse(message):
    """The start-up error for a production setting that is missing or unsafe."""
    return ImproperlyConfigured(f"{message} (for local development, use `make run`, which sets DEBUG=1).")


if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
        ALLOWED_HOSTS = [host for host in env.list("ALLOWED_HOSTS") if host]
    except ImproperlyConfigured as error:
        raise _refuse(f"{error}. With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be set") from None
    if not SECRET_KEY.strip():
        raise _refuse("SECRET_KEY is empty. With DEBUG off, set it to 50 or more random characters")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise _refuse(
            f"SECRET_KEY is too short or too plain ({len(SECRET_KEY)} characters): use 50 or more random ones"
        )
    if any(word in SECRET_KEY.lower() for word in PLACEHOLDER_WORDS):
        raise _refuse("SECRET_KEY looks like a placeholder: set it to 50 or more random characters")
    if not ALLOWED_HOSTS:
        raise _refuse("ALLOWED_HOSTS is empty. With DEBUG off, list the site's host names, comma-separated")

# The site's public address, for canonical links, the sitemap, structured data and the open data
# files: never the request's Host header. Defaults to https:// and the first ALLOWED_HOSTS entry.
SITE_URL = env(
    "SITE_URL",
    default="http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.') if ALLOWED_HOSTS else ''}",
).rstrip("/")
if not re.fullmatch(r"https?://[^/?#*\s]+", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL {SITE_URL!r} is not an address like https://residency.example.org (http or https, a host "
        "name, no path)."
    )

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # whitenoise serves static files in development too, as it will in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Third party
    "axes",
    # Content history: revisions with their values, compare, revert, recover deleted.
    "reversion",
    "reversion_compare",
    # Drag-and-drop ordering in admin lists and inlines.
    "adminsortable2",
    # Local
    "programs",
    "sites",
    "curriculum",
    "applications",
    # The pages that join the content apps: the home page, the tracks compared, each track's page (no models).
    "overview",
    # Site search over the content apps (holds no content of its own).
    "search",
    # Publishes the content apps' data as JSON and CSV (no models).
    "opendata",
    # The project package: shared model bases, the content commands and page cache, the coordinators' group.
    "residency",
]

MIDDLEWARE = [
    # Answers /healthz before host checks and the HTTPS redirect, so a load balancer can ask plainly.
    "residency.middleware.HealthCheckMiddleware",
    # The fast path: a cached public page is answered here, with the headers of everything below.
    "residency.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL in the query string is a 400 (PostgreSQL would refuse it in an admin filter or search).
    "residency.middleware.BadQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag from the content and 304 answers to conditional requests.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff previewing a draft cycle see it on every public page (never cached).
    "applications.middleware.CyclePreviewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its "locked" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "residency.urls"

# Database sessions, refusing malformed keys from cookies before they reach the database.
SESSION_ENGINE = "residency.sessions"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "residency.context_processors.navigation",
                "applications.context_processors.preview",
                "applications.context_processors.this_cycle",
                "residency.context_processors.site",
                "programs.context_processors.program",
            ],
            "builtins": ["residency.templatetags"],
        },
    },
]

# Where a model's page lives when it is drawn by an app that the model's own app must not depend on: the
# program's page is the home page, and a track's page joins its clinics and how to apply to it.
ABSOLUTE_URL_OVERRIDES = {
    "programs.program": lambda program: reverse("overview:home"),
    "programs.track": lambda track: reverse("overview:track_detail", args=[track.slug]),
}

WSGI_APPLICATION = "residency.wsgi.application"

# SQLite in the project folder unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database that does not answer fails a request within seconds, not the kernel's minutes;
    # cached pages are then still served (residency.pagecache).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory unless CACHE_URL names a shared cache (redis://host:6379/0 in production).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://residency-pages")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's, keeping its redis-py client instead of making one per call (residency/rediscache.py).
    CACHES["default"]["BACKEND"] = "residency.rediscache.RedisCache"
    # A down or hung Redis costs a request at most this long; the page is then rendered without it.
    CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.25)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=CACHE_TIMEOUT_SECONDS, socket_timeout=CACHE_TIMEOUT_SECONDS
    )

# Whole public pages are cached until the content changes (or this many seconds pass).
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=24 * 60 * 60)
# CDNs and proxies may keep a public page this long (s-maxage); browsers revalidate every time.
PAGE_SHARED_MAX_AGE = env.int("PAGE_SHARED_MAX_AGE", default=60)
# How often each server process asks the database whether the content changed (seconds): an edit
# shows within this (nginx's copies are purged, residency.edge), so it is well under a second.
CONTENT_VERSION_CHECK_SECONDS = env.float("CONTENT_VERSION_CHECK_SECONDS", default=0.25)
# The purge listener of each nginx in front of the site (deploy/nginx/residency.conf), e.g.
# http://10.0.0.5:8081,http://10.0.0.6:8081: each drops its copies of the pages when the content changes.
NGINX_PURGE_URLS = env.list("NGINX_PURGE_URLS", default=[])
# Search answers are cached in at most this many slots per version of the content, whatever is typed
# (search.engine); 0 turns the cache off.
SEARCH_CACHE_SLOTS = env.int("SEARCH_CACHE_SLOTS", default=1024)

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins from an address with too many recent failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin lives at a path of the deployment's choosing.
ADMIN_URL = env("ADMIN_URL", default="admin/")
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/"):
    raise ImproperlyConfigured("ADMIN_URL is a path like 'staff-only/': no leading slash, one trailing slash.")

# Failed admin logins: after 5 from one address, that address waits 15 minutes (a cool-off, not a lock).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
# Proxies in front of the site that append to X-Forwarded-For (nginx from deploy/: 1). The client's
# address for the login throttle and the logs is read by residency.clientaddress, by that count.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "residency.clientaddress.client_address"

LANGUAGE_CODE = "en-us"
# The program's dates and times (the application deadline) are Eastern.
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (and nginx serves /static/ from).
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded photos (residency/photos.py): files in MEDIA_ROOT, served by nginx in `make serve` and by
# Django with DEBUG on (`make run`). With several app servers, MEDIA_STORAGE names a storage they share
# (a django-storages backend such as storages.backends.s3.S3Storage), MEDIA_STORAGE_OPTIONS its options
# as JSON, and MEDIA_URL the address its files are read from.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = env("MEDIA_URL", default="/media/")
STORAGES = {
    "default": {
        "BACKEND": env("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={}),
    },
    # Compressed files with hashed names, which whitenoise serves with a far-future, immutable cache header.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The code, templates and collected static files this process runs, hashed once at start (residency/release.py):
# part of every page's cache key, so pages rendered by the code before a deploy are never served after it.
RELEASE = release.compute(BASE_DIR, Path(STATIC_ROOT) / "staticfiles.json")

# Where `load_content` reads and `export_content` writes the site's content.
CONTENT_FIXTURES_DIR = BASE_DIR / "fixtures"

# Where `manage.py backup` (make backup) writes the backups of the database and media, and how many it keeps.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=30)

# --- Security -------------------------------------------------------------------------------
# Production sits behind a proxy that ends TLS and says so in X-Forwarded-Proto; it must strip
# that header from clients' requests.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS-only settings are on unless DEBUG; each can be set on its own.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The admin's cookies stay under its path (staff preview the site there too, applications.middleware):
# browsers never send them with a public page, which is the same for everyone and cached as such.
SESSION_COOKIE_PATH = f"/{ADMIN_URL}"
CSRF_COOKIE_PATH = f"/{ADMIN_URL}"
# Admin's messages ("saved") ride in the session, not in a cookie of their own on every path.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Everything from this site only: no inline script or style anywhere, the admin included.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Photos come from MEDIA_URL: this site, or the storage's own host when that is an address.
        "img-src": [SELF, "data:", *([urlsplit(MEDIA_URL)._replace(path="").geturl()] if "//" in MEDIA_URL else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Browser features the site never uses, turned off for it and anything it could embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
}

# Requests: refuse bodies and forms far beyond anything the admin sends.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Error reports (residency/errorreports.py) ---------------------------------------------------
# Server errors are mailed to ADMINS ("Name <address>, …"; nobody by default, they are only logged) through the
# SMTP server of EMAIL_URL, by Django's own "mail_admins" handler. Reports keep no query string values.
ADMINS = getaddresses([env("ADMINS", default="")])
if any("@" not in address for _, address in ADMINS):
    raise ImproperlyConfigured("ADMINS is a comma-separated list of addresses, e.g. 'Web team <web@example.org>'.")
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
SERVER_EMAIL = env("SERVER_EMAIL", default="root@localhost")
EMAIL_SUBJECT_PREFIX = env("EMAIL_SUBJECT_PREFIX", default="[Residency site] ")
DEFAULT_EXCEPTION_REPORTER = "residency.errorreports.Reporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "residency.errorreports.ReportFilter"
# With SENTRY_DSN set, errors also go to Sentry (errors only, no personal data); off by default.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    errorreports.start_sentry(SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default="production"), release=RELEASE)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s client=%(client)s %(message)s"}},
    # Each record names the client's address by the one rule of residency.clientaddress.
    "filters": {"client": {"()": "residency.clientaddress.ClientAddressFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client"]},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Requests with a Host not in ALLOWED_HOSTS (scanners) get their 400; they are not the site's errors.
    "loggers": {
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
        # django-axes reports each login at INFO; its warnings (lockouts) are what matter.
        "axes": {"level": "WARNING"},
    },
}
