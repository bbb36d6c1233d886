"""Django settings for KotaCerdas.

Everything comes from the environment through the typed helpers in
``kotacerdas.env``. Local use needs no configuration; production
(``KOTACERDAS_ENV=production``) refuses to start without a secret key and
allowed hosts.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor  # type: ignore[import-untyped]

from kotacerdas.env import env_bool, env_decimal, env_int, env_list, env_names_set, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = env_str("KOTACERDAS_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("KOTACERDAS_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

# Where the embedded database, collected static files and uploads live.
DATA_DIR = Path(env_str("KOTACERDAS_DATA_DIR", "var")).resolve()


def _development_secret_key() -> str:
    """A random key kept under var/, so that local use needs no configuration
    and no literal key ever ships in the repository."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if PRODUCTION:
    if len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "KOTACERDAS_ENV=production needs SECRET_KEY (at least 40 random characters)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("KOTACERDAS_ENV=production needs ALLOWED_HOSTS.")
else:
    SECRET_KEY = SECRET_KEY or _development_secret_key()
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]

DEBUG = env_bool("KOTACERDAS_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("KOTACERDAS_DEBUG must be off in production.")
# bench/throughput.py's floor: a trivial 9 KB page at /_bench/floor/ served
# through the same middleware, to measure what the server itself allows
# (issue 15). Off by default; never on in production.
KOTACERDAS_BENCH_FLOOR = env_bool("KOTACERDAS_BENCH_FLOOR", False)
if PRODUCTION and KOTACERDAS_BENCH_FLOOR:
    raise ImproperlyConfigured("KOTACERDAS_BENCH_FLOOR must be off in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "kotacerdas.core",
    "kotacerdas.regions",
    "kotacerdas.masterplan",
    "kotacerdas.monitoring",
    "kotacerdas.evaluation",
    "kotacerdas.umkm",
    "kotacerdas.portal",
    "kotacerdas.national",
    "kotacerdas.api",
    "django_tasks",
    "django_tasks_db",
    "kotacerdas.accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kotacerdas.demo",  # above every app: loads their demo data
]

MIDDLEWARE = [
    "kotacerdas.core.logging.RequestIdMiddleware",  # first: every log line of a request
    # Which database this request reads: the primary, or a replica (issue 16).
    "kotacerdas.core.routers.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The region's own clock: WIB, WITA or WIT for a region's pages.
    "kotacerdas.core.timezones.RegionTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Session lifetime, the second-factor gate, no-store for signed-in pages.
    "kotacerdas.accounts.middleware.SessionTimeoutMiddleware",
    "kotacerdas.accounts.middleware.MFARequiredMiddleware",
    "kotacerdas.accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its page
]

ROOT_URLCONF = "kotacerdas.urls"
WSGI_APPLICATION = "kotacerdas.wsgi.application"
# Run once in each web worker after the application loads, before it serves:
# the work a person's first request would otherwise wait for (issue 21, point
# 13). Dotted paths, like MIDDLEWARE; not run by management commands. An
# operator may name others, or none (an empty value keeps the default; "-"
# turns warm-up off).
KOTACERDAS_WARM_UP = [
    path
    for path in env_list(
        "KOTACERDAS_WARM_UP",
        ["kotacerdas.regions.reference.warm_up", "kotacerdas.api.main.warm_up"],
    )
    if path != "-"
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kotacerdas.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite by default (WAL journal, IMMEDIATE transactions so that concurrent
# writers queue on the busy timeout instead of failing with "database is
# locked" on lock upgrade); PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections, checked before reuse: after a database restart
    # (or a dropped connection) the next request reconnects instead of failing.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"].setdefault("OPTIONS", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "kotacerdas.sqlite3"),
            "OPTIONS": {},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open between requests, as PostgreSQL's are (above): a connection
    # per request opened the file, ran the PRAGMAs and, as the last one to
    # close, checkpointed the WAL: ≈ 10 ms of waiting per signed-in request
    # (issue 15, docs/benchmarks.md).
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("KOTACERDAS_SQLITE_TIMEOUT", 20),
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
        }
    )

# A PostgreSQL streaming replica (several nodes, issue 16): reads that tolerate
# lag (the public portal, anonymous API reads) go there, everything else, and
# every read of a visitor who wrote within KOTACERDAS_REPLICA_PIN_SECONDS, to
# the primary (kotacerdas.core.routers, docs/operations.md "Several nodes").
KOTACERDAS_REPLICA_URL = env_str("KOTACERDAS_REPLICA_URL").strip()
KOTACERDAS_REPLICA_PIN_SECONDS = env_int("KOTACERDAS_REPLICA_PIN_SECONDS", 5)
# URL namespaces whose GET/HEAD requests may read from the replica; a view can
# also say so itself (kotacerdas.core.routers.replica_reads).
KOTACERDAS_REPLICA_NAMESPACES = env_list("KOTACERDAS_REPLICA_NAMESPACES", ["portal", "api"])
if KOTACERDAS_REPLICA_PIN_SECONDS < 1:
    raise ImproperlyConfigured("KOTACERDAS_REPLICA_PIN_SECONDS must be 1 or more.")
DATABASE_ROUTERS: list[str] = []
if KOTACERDAS_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "KOTACERDAS_REPLICA_URL needs a PostgreSQL primary in DATABASE_URL: a read "
            "replica is a PostgreSQL streaming replica of it."
        )
    DATABASES["replica"] = dj_database_url.parse(
        KOTACERDAS_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("KOTACERDAS_REPLICA_URL must be a postgres:// address.")
    # Tests read the test database through the replica's own server (a
    # physical replica holds every database of its primary).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["kotacerdas.core.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Optional BSSN (Peraturan BSSN 4/2021) rules, off by default: see docs/security.md.
KOTACERDAS_PASSWORD_COMPOSITION = env_bool("KOTACERDAS_PASSWORD_COMPOSITION", False)
if KOTACERDAS_PASSWORD_COMPOSITION:
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "kotacerdas.accounts.validators.CompositionValidator"})
KOTACERDAS_PASSWORD_MAX_AGE_DAYS = env_int("KOTACERDAS_PASSWORD_MAX_AGE_DAYS", 0)  # 0: never
if KOTACERDAS_PASSWORD_MAX_AGE_DAYS < 0:
    raise ImproperlyConfigured("KOTACERDAS_PASSWORD_MAX_AGE_DAYS must be 0 (off) or more.")
# django-axes first: it refuses a username that failed too often from one address.
AUTHENTICATION_BACKENDS = [
    "kotacerdas.accounts.backends.AxesBackend",  # axes' backend; see there
    "django.contrib.auth.backends.ModelBackend",
]
# A lockout holds one username from one address, so nobody can lock a colleague
# out from elsewhere; a success clears the count.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("KOTACERDAS_LOGIN_FAILURE_LIMIT", 5)
KOTACERDAS_LOGIN_COOLOFF_MINUTES = env_int("KOTACERDAS_LOGIN_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or KOTACERDAS_LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured(
        "KOTACERDAS_LOGIN_FAILURE_LIMIT and KOTACERDAS_LOGIN_COOLOFF_MINUTES must be 1 or more."
    )
AXES_COOLOFF_TIME = timedelta(minutes=KOTACERDAS_LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kotacerdas.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "kotacerdas.accounts.network.client_ip"  # KOTACERDAS_NUM_PROXIES
AXES_VERBOSE = False  # lockouts are logged by kotacerdas.accounts (logger of that name)
# Second factor (django-otp): the name authenticator apps show.
OTP_TOTP_ISSUER = "KotaCerdas"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("KOTACERDAS_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# django-ninja's Swagger UI files (``ninja/swagger-ui-bundle.js`` ...), served
# from here, no CDN. A folder, not an installed app: importing the ninja package
# (pydantic with it) at start-up cost every command about half a second; the
# package is located without being imported.
_NINJA_SPEC = importlib.util.find_spec("ninja")
if _NINJA_SPEC is None or _NINJA_SPEC.origin is None:  # a dependency in pyproject.toml
    raise ImproperlyConfigured("django-ninja is not installed: run `make install`.")
STATICFILES_DIRS = [PACKAGE_DIR / "static", Path(_NINJA_SPEC.origin).parent / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Source maps are not compressed: only a browser's developer tools fetch them,
# and Swagger UI's and ReDoc's (5.5 of the 8 MB collected) took half of
# `collectstatic`'s CPU (brotli at its highest level, every file twice: its
# own name and the hashed one), about 20 of 40 seconds (docs/decisions.md).
# They are still collected, hashed and served, uncompressed.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the shared cache (CACHES) and written through to the
# database: a signed-in request loads its session without a query (issue 15).
# Every end of a session goes through the session store (sign-out, "sign out
# everywhere", the idle and age limits), which deletes both copies; a restore
# empties the cache (core/backup.py).
SESSION_ENGINE = "kotacerdas.accounts.sessions"
# A session ends after KOTACERDAS_SESSION_IDLE_MINUTES without a request and
# KOTACERDAS_SESSION_MAX_HOURS after sign-in (kotacerdas.accounts.middleware).
KOTACERDAS_SESSION_IDLE_MINUTES = env_int("KOTACERDAS_SESSION_IDLE_MINUTES", 30)
KOTACERDAS_SESSION_MAX_HOURS = env_int("KOTACERDAS_SESSION_MAX_HOURS", 12)
if KOTACERDAS_SESSION_IDLE_MINUTES < 1 or KOTACERDAS_SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured(
        "KOTACERDAS_SESSION_IDLE_MINUTES and KOTACERDAS_SESSION_MAX_HOURS must be 1 or more."
    )
SESSION_COOKIE_AGE = KOTACERDAS_SESSION_MAX_HOURS * 60 * 60
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("KOTACERDAS_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("KOTACERDAS_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Map tiles of the UMKM map come from the server an operator configures
        # (RegistrySettings.tile_url); its origin must be listed here.
        "img-src": ["'self'", "data:", *env_list("KOTACERDAS_MAP_TILE_ORIGINS")],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The public portal's widget (/publik/<code>/widget/) is the one page other
# sites may frame: "*" (default) or origins separated by commas, e.g.
# "https://dumaikota.go.id,https://*.dumaikota.go.id".
KOTACERDAS_WIDGET_FRAME_ANCESTORS = env_list("KOTACERDAS_WIDGET_FRAME_ANCESTORS", ["*"])

# --- Mail ---------------------------------------------------------------------
# Development prints mail to the console; production sends it over SMTP, and
# refuses a backend that writes mail where people other than its recipient
# read it (console: stdout and the log; locmem: memory; filebased: files):
# password-reset links would sit in the log (issue 14). An operator who really
# wants one (a staging copy) says so with KOTACERDAS_EMAIL_ALLOW_UNSENT.
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    _SMTP_BACKEND if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
KOTACERDAS_EMAIL_ALLOW_UNSENT = env_bool("KOTACERDAS_EMAIL_ALLOW_UNSENT", False)
UNSENT_EMAIL_BACKENDS = frozenset(
    f"django.core.mail.backends.{name}.EmailBackend" for name in ("console", "locmem", "filebased")
)
if PRODUCTION and EMAIL_BACKEND in UNSENT_EMAIL_BACKENDS and not KOTACERDAS_EMAIL_ALLOW_UNSENT:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND} tidak mengirim surel: tautan atur ulang kata sandi "
        "akan tertulis di log. Di produksi pakai django.core.mail.backends.smtp.EmailBackend "
        "(EMAIL_HOST, ...), atau set KOTACERDAS_EMAIL_ALLOW_UNSENT=true bila memang disengaja. / "
        f"EMAIL_BACKEND={EMAIL_BACKEND} does not send mail: password-reset links would be "
        "written to the log. Production needs the SMTP backend, or "
        "KOTACERDAS_EMAIL_ALLOW_UNSENT=true when this is intended (docs/operations.md)."
    )
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "KotaCerdas <noreply@localhost>")
# SMTP, used when EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
# Seconds; a mail server that hangs must not hold the worker (Django's default waits forever).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
if not 0 < EMAIL_PORT < 65536:
    raise ImproperlyConfigured(f"EMAIL_PORT must be a port number, not {EMAIL_PORT}.")
if EMAIL_TIMEOUT <= 0:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be a number of seconds above 0.")
# The address people open KotaCerdas at; links in e-mails are built on it.
KOTACERDAS_BASE_URL = env_str("KOTACERDAS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not KOTACERDAS_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"KOTACERDAS_BASE_URL must start with http:// or https://, not {KOTACERDAS_BASE_URL!r}"
    )

# --- Background tasks ---------------------------------------------------------
# django-tasks with its database backend (the django-tasks-db package): tasks
# wait in the database until `kotacerdas worker` runs them. The worker also
# enqueues the daily jobs (kotacerdas.core.scheduler), such as the reporting
# reminders at KOTACERDAS_REMINDER_HOUR local time.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
KOTACERDAS_REMINDER_HOUR = env_int("KOTACERDAS_REMINDER_HOUR", 8)
if not 0 <= KOTACERDAS_REMINDER_HOUR <= 23:
    raise ImproperlyConfigured("KOTACERDAS_REMINDER_HOUR must be an hour from 0 to 23.")
# Local hour of the daily anonymisation of UMKM personal data past retention.
KOTACERDAS_ANONYMISE_HOUR = env_int("KOTACERDAS_ANONYMISE_HOUR", 2)
if not 0 <= KOTACERDAS_ANONYMISE_HOUR <= 23:
    raise ImproperlyConfigured("KOTACERDAS_ANONYMISE_HOUR must be an hour from 0 to 23.")
# Uploaded survey files and rejection reports hold NIKs and phone numbers:
# kept this many days after the import, a failed job's at once.
KOTACERDAS_IMPORT_FILE_RETENTION_DAYS = env_int("KOTACERDAS_IMPORT_FILE_RETENTION_DAYS", 30)
if KOTACERDAS_IMPORT_FILE_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("KOTACERDAS_IMPORT_FILE_RETENTION_DAYS must be 0 or more.")
# The offline form (issue 20): the server keeps the key of a saved entry this
# many days, so a phone resending it gets "already saved" (then purged daily);
# the phone warns about entries unsent after KOTACERDAS_FIELD_STALE_DAYS.
KOTACERDAS_FIELD_KEY_RETENTION_DAYS = env_int("KOTACERDAS_FIELD_KEY_RETENTION_DAYS", 30)
KOTACERDAS_FIELD_STALE_DAYS = env_int("KOTACERDAS_FIELD_STALE_DAYS", 7)
if not 1 <= KOTACERDAS_FIELD_STALE_DAYS < KOTACERDAS_FIELD_KEY_RETENTION_DAYS:
    raise ImproperlyConfigured(
        "KOTACERDAS_FIELD_STALE_DAYS must be at least 1 and below "
        "KOTACERDAS_FIELD_KEY_RETENTION_DAYS."
    )
# Reminders start this many days before a period's due date (and go on until it).
KOTACERDAS_REMINDER_DAYS_BEFORE = env_int("KOTACERDAS_REMINDER_DAYS_BEFORE", 7)
if KOTACERDAS_REMINDER_DAYS_BEFORE < 0:
    raise ImproperlyConfigured("KOTACERDAS_REMINDER_DAYS_BEFORE must be 0 or more.")

# --- REST API -------------------------------------------------------------------
# Rate limits ("60/min", "1000/hour", "10/s"): anonymous callers per address,
# token and session callers per user; 429 with Retry-After beyond them.
KOTACERDAS_API_RATE_ANON = env_str("KOTACERDAS_API_RATE_ANON", "60/min")
KOTACERDAS_API_RATE_USER = env_str("KOTACERDAS_API_RATE_USER", "600/min")
for _name in ("KOTACERDAS_API_RATE_ANON", "KOTACERDAS_API_RATE_USER"):
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", globals()[_name]):
        raise ImproperlyConfigured(f"{_name} must look like 60/min, not {globals()[_name]!r}")

# --- Evaluation -------------------------------------------------------------------
# An item is flagged when its assessors' scores spread (highest − lowest) this
# many points or more (kotacerdas.evaluation.assessment.spread_threshold).
EVALUATION_SPREAD_FLAG = env_decimal("KOTACERDAS_EVALUATION_SPREAD_FLAG", Decimal("1"))
if EVALUATION_SPREAD_FLAG < 0:
    raise ImproperlyConfigured("KOTACERDAS_EVALUATION_SPREAD_FLAG must be 0 points or more.")

# --- Public portal ----------------------------------------------------------------
# The licence of the open data (named in every dataset's metadata and on the
# catalogue page): CC BY 4.0 unless the operator sets both name and address.
_licence_name = env_str("KOTACERDAS_OPEN_DATA_LICENCE_NAME").strip()
_licence_url = env_str("KOTACERDAS_OPEN_DATA_LICENCE_URL").strip()
if bool(_licence_name) != bool(_licence_url):
    raise ImproperlyConfigured(
        "KOTACERDAS_OPEN_DATA_LICENCE_NAME and KOTACERDAS_OPEN_DATA_LICENCE_URL go together: "
        "set both or neither."
    )
if _licence_url and not _licence_url.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"KOTACERDAS_OPEN_DATA_LICENCE_URL must start with http:// or https://, "
        f"not {_licence_url!r}"
    )
KOTACERDAS_OPEN_DATA_LICENCE = {
    "name": _licence_name or "CC BY 4.0",
    "url": _licence_url or "https://creativecommons.org/licenses/by/4.0/deed.id",
}

# --- Reverse proxies ------------------------------------------------------------
# Reverse proxies in front of the app whose X-Forwarded-For is trusted for the
# client address (0: use the connection's address; behind one nginx: 1). Both
# sign-in throttling (kotacerdas.accounts.network) and the API's rate limits
# (django-ninja, under its own name NINJA_NUM_PROXIES) count clients by it.
KOTACERDAS_NUM_PROXIES = env_int("KOTACERDAS_NUM_PROXIES", 0, old_name="KOTACERDAS_API_NUM_PROXIES")
if KOTACERDAS_NUM_PROXIES < 0:
    raise ImproperlyConfigured("KOTACERDAS_NUM_PROXIES must be 0 (no proxy) or more.")
NINJA_NUM_PROXIES = KOTACERDAS_NUM_PROXIES
# Renamed variables (old name: new name). The old name is still read, and every
# command warns while it is set (kotacerdas.core.checks, warning kotacerdas.W001).
KOTACERDAS_RENAMED_ENVIRONMENT = {"KOTACERDAS_API_NUM_PROXIES": "KOTACERDAS_NUM_PROXIES"}
KOTACERDAS_DEPRECATED_IN_USE = env_names_set(KOTACERDAS_RENAMED_ENVIRONMENT)

# --- Web server: defaults of `kotacerdas serve` (gunicorn) ------------------------
# The command's options (--bind, --workers, --threads, --timeout) override them.
KOTACERDAS_BIND = env_str("KOTACERDAS_BIND", "127.0.0.1:8000")  # HOST:PORT or unix:PATH
KOTACERDAS_WORKERS = env_int("KOTACERDAS_WORKERS", 2)  # processes
KOTACERDAS_THREADS = env_int("KOTACERDAS_THREADS", 4)  # threads per process (1: sync worker)
KOTACERDAS_TIMEOUT = env_int("KOTACERDAS_TIMEOUT", 60)  # seconds before a stuck worker is replaced

# --- Logging: UTC timestamps, to stderr ---------------------------------------
# text (default) or json (one object per line); personal data and secrets are
# redacted by the formatters and the filter (core/logging.py, docs/security.md).
KOTACERDAS_LOG_FORMAT = env_str("KOTACERDAS_LOG_FORMAT", "text").strip().lower()
if KOTACERDAS_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(
        f"KOTACERDAS_LOG_FORMAT must be text or json, not {KOTACERDAS_LOG_FORMAT!r}"
    )
# Level of Django's and gunicorn's logs (`kotacerdas serve` passes it on).
KOTACERDAS_LOG_LEVEL = env_str("KOTACERDAS_LOG_LEVEL", "INFO").strip().upper()
if KOTACERDAS_LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        "KOTACERDAS_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, "
        f"not {KOTACERDAS_LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "kotacerdas.core.logging.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "kotacerdas.core.logging.JSONFormatter"},
    },
    "filters": {
        "request_id": {"()": "kotacerdas.core.logging.RequestIdFilter"},
        "redact": {"()": "kotacerdas.core.logging.RedactPersonalData"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if KOTACERDAS_LOG_FORMAT == "json" else "plain",
            "filters": ["request_id", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": KOTACERDAS_LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers write unredacted lines (request lines carry
        # query strings): everything goes through "console". gunicorn keeps
        # its handlers, with these formatters and filters
        # (core/gunicorn_logging.py, set by `kotacerdas serve`).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Uploads ------------------------------------------------------------------
# Checked by kotacerdas.core.uploads, kept by kotacerdas.core.storage; see
# docs/uploads.md. Uploaded files live in PRIVATE_FILES_DIR (or the bucket of
# KOTACERDAS_S3_BUCKET, below), which nothing serves directly: they go out only
# through a view that checks access.
KOTACERDAS_UPLOAD_MAX_MB = env_int("KOTACERDAS_UPLOAD_MAX_MB", 0)  # 0: per-kind defaults
if KOTACERDAS_UPLOAD_MAX_MB < 0:
    raise ImproperlyConfigured("KOTACERDAS_UPLOAD_MAX_MB must be 0 (defaults) or more.")
# ClamAV's clamd, "unix:/run/clamav/clamd.ctl" or "tcp:127.0.0.1:3310"; empty: no scan.
KOTACERDAS_CLAMD = env_str("KOTACERDAS_CLAMD").strip()
KOTACERDAS_CLAMD_TIMEOUT = env_int("KOTACERDAS_CLAMD_TIMEOUT", 30)  # seconds
# clamd unreachable, too slow or answering an error: refuse the upload (the
# default, fail closed), or with 1 accept it unscanned and log an ERROR.
KOTACERDAS_CLAMD_FAIL_OPEN = env_bool("KOTACERDAS_CLAMD_FAIL_OPEN", False)
if KOTACERDAS_CLAMD_TIMEOUT <= 0:
    raise ImproperlyConfigured("KOTACERDAS_CLAMD_TIMEOUT must be a number of seconds above 0.")
if KOTACERDAS_CLAMD and not (
    KOTACERDAS_CLAMD.startswith("unix:/")
    or (
        KOTACERDAS_CLAMD.startswith("tcp:")
        and KOTACERDAS_CLAMD.rpartition(":")[2].isdigit()
        and KOTACERDAS_CLAMD.count(":") >= 2
    )
):
    raise ImproperlyConfigured(
        f"KOTACERDAS_CLAMD must be unix:/path/to/clamd.ctl or tcp:host:port, "
        f"not {KOTACERDAS_CLAMD!r}"
    )
# One UMKM survey file uploaded on the web (kotacerdas.umkm.import_forms); the
# command `kotacerdas umkm import` has its own limit for the operator's files.
KOTACERDAS_UMKM_IMPORT_MAX_BYTES = env_int("KOTACERDAS_UMKM_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
if KOTACERDAS_UMKM_IMPORT_MAX_BYTES < 1:
    raise ImproperlyConfigured(
        "KOTACERDAS_UMKM_IMPORT_MAX_BYTES must be a number of bytes above 0."
    )
# Registry exports run in the background (kotacerdas.umkm.pdp.services.run_export_job)
# and are cut cleanly past any of these caps; the finished file is kept this
# many hours, then deleted (docs/operations.md, "Registry exports").
KOTACERDAS_EXPORT_MAX_ROWS = env_int("KOTACERDAS_EXPORT_MAX_ROWS", 1_000_000)
KOTACERDAS_EXPORT_MAX_BYTES = env_int("KOTACERDAS_EXPORT_MAX_BYTES", 1024 * 1024 * 1024)
KOTACERDAS_EXPORT_MAX_SECONDS = env_int("KOTACERDAS_EXPORT_MAX_SECONDS", 30 * 60)
KOTACERDAS_EXPORT_KEEP_HOURS = env_int("KOTACERDAS_EXPORT_KEEP_HOURS", 24)
for _name in (
    "KOTACERDAS_EXPORT_MAX_ROWS",
    "KOTACERDAS_EXPORT_MAX_BYTES",
    "KOTACERDAS_EXPORT_MAX_SECONDS",
    "KOTACERDAS_EXPORT_KEEP_HOURS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be a number above 0.")
# A cache every web worker and the task worker share, and that survives a
# restart: the UMKM statistics keep their tally here (umkm/statistics.py), so
# a million-business region is counted once, not once per worker and restart;
# data versions, rate limits, the worker's heartbeat and import progress live
# here too. One machine: a folder. Several nodes (issue 16): Redis or Valkey
# through KOTACERDAS_CACHE_URL (or KOTACERDAS_REDIS_URL), e.g.
# redis://cache.internal:6379/0, rediss:// for TLS, unix:///run/redis.sock.
KOTACERDAS_CACHE_URL = (env_str("KOTACERDAS_CACHE_URL") or env_str("KOTACERDAS_REDIS_URL")).strip()
if KOTACERDAS_CACHE_URL:
    if not KOTACERDAS_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "KOTACERDAS_CACHE_URL (or KOTACERDAS_REDIS_URL) must start with redis://, "
            f"rediss:// or unix://, not {KOTACERDAS_CACHE_URL.split('://')[0]!r}."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": KOTACERDAS_CACHE_URL,
            "TIMEOUT": 24 * 60 * 60,
            # Several deployments may share one server: their keys stay apart.
            "KEY_PREFIX": env_str("KOTACERDAS_CACHE_PREFIX", "kotacerdas"),
            # A cache server that hangs must not hold a request for ever.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(env_str("KOTACERDAS_CACHE_DIR") or DATA_DIR / "cache").resolve()),
            "TIMEOUT": 24 * 60 * 60,
            # Django's default of 300 entries is passed by the cached pages alone
            # (per region, language and role scope); past it every write deletes
            # a random third of the cache, data versions included.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

PRIVATE_FILES_DIR = Path(env_str("KOTACERDAS_PRIVATE_DIR") or DATA_DIR / "private").resolve()


def _overlaps(first: Path, second: Path) -> bool:
    first, second = first.resolve(), second.resolve()
    return first == second or first.is_relative_to(second) or second.is_relative_to(first)


for _served in [Path(STATIC_ROOT), *(Path(d) for d in STATICFILES_DIRS)]:
    if _overlaps(PRIVATE_FILES_DIR, _served):
        raise ImproperlyConfigured(
            f"KOTACERDAS_PRIVATE_DIR ({PRIVATE_FILES_DIR}) must not overlap the static files "
            f"directory {_served}: private uploads would be served to anyone."
        )

# Private files in the bucket of an S3-compatible object store instead of
# PRIVATE_FILES_DIR, for several nodes (issue 16; docs/operations.md, "Object
# storage"). The bucket is private: files go out only through the
# access-checked views (core.storage.private_file_response streams them).
# Credentials come from these variables only, never from a file in the repo.
KOTACERDAS_S3_BUCKET = env_str("KOTACERDAS_S3_BUCKET").strip()
KOTACERDAS_S3_ENDPOINT_URL = env_str("KOTACERDAS_S3_ENDPOINT_URL").strip()
KOTACERDAS_S3_REGION = env_str("KOTACERDAS_S3_REGION").strip()
KOTACERDAS_S3_ADDRESSING_STYLE = env_str("KOTACERDAS_S3_ADDRESSING_STYLE", "path").strip()
KOTACERDAS_S3_PREFIX = env_str("KOTACERDAS_S3_PREFIX").strip().strip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# The shared cache holds session copies and users' roles (issue 15, 16): in
# production one on another machine must ask for a password (or ACL user).
if PRODUCTION and KOTACERDAS_CACHE_URL.startswith(("redis://", "rediss://")):
    _cache_address = urlsplit(KOTACERDAS_CACHE_URL)
    if not _loopback(_cache_address.hostname or "") and not _cache_address.password:
        raise ImproperlyConfigured(
            "KOTACERDAS_CACHE_URL must carry the cache's password in production when the "
            "cache is on another machine (redis://:PASSWORD@host:6379/0, or rediss:// with "
            "TLS): it holds sessions and users' roles. Without one only this machine "
            "(127.0.0.1, ::1, localhost) is accepted."
        )


def _s3_storage() -> dict[str, Any]:
    """settings.STORAGES["private"] for the bucket, or refuses a configuration
    that would fail later or leak (KOTACERDAS_S3_* without a bucket, half a
    key pair, an endpoint that is not a URL; in production no credentials or
    plain http to another machine)."""
    if not KOTACERDAS_S3_BUCKET:
        return {"BACKEND": "kotacerdas.core.storage.PrivateStorage"}
    key_id = env_str("KOTACERDAS_S3_ACCESS_KEY_ID").strip()
    secret = env_str("KOTACERDAS_S3_SECRET_ACCESS_KEY").strip()
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "KOTACERDAS_S3_ACCESS_KEY_ID and KOTACERDAS_S3_SECRET_ACCESS_KEY go together: "
            "set both or neither."
        )
    if PRODUCTION and not key_id:
        raise ImproperlyConfigured(
            "KOTACERDAS_ENV=production with KOTACERDAS_S3_BUCKET needs "
            "KOTACERDAS_S3_ACCESS_KEY_ID and KOTACERDAS_S3_SECRET_ACCESS_KEY."
        )
    if KOTACERDAS_S3_ADDRESSING_STYLE not in {"path", "virtual", "auto"}:
        raise ImproperlyConfigured(
            "KOTACERDAS_S3_ADDRESSING_STYLE must be path, virtual or auto, "
            f"not {KOTACERDAS_S3_ADDRESSING_STYLE!r}."
        )
    if KOTACERDAS_S3_ENDPOINT_URL:
        endpoint = urlsplit(KOTACERDAS_S3_ENDPOINT_URL)
        if endpoint.scheme not in {"http", "https"} or not endpoint.hostname:
            raise ImproperlyConfigured(
                "KOTACERDAS_S3_ENDPOINT_URL must be a URL such as https://s3.example.go.id, "
                f"not {KOTACERDAS_S3_ENDPOINT_URL!r}."
            )
        if PRODUCTION and endpoint.scheme == "http" and not _loopback(endpoint.hostname):
            raise ImproperlyConfigured(
                "KOTACERDAS_S3_ENDPOINT_URL must use https in production: files and "
                "credentials would cross the network in clear text "
                f"({KOTACERDAS_S3_ENDPOINT_URL}). Plain http is accepted only to this "
                "machine (127.0.0.1, ::1, localhost)."
            )
    return {
        "BACKEND": "kotacerdas.core.objectstorage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": KOTACERDAS_S3_BUCKET,
            "endpoint_url": KOTACERDAS_S3_ENDPOINT_URL or None,
            "region_name": KOTACERDAS_S3_REGION or None,
            "addressing_style": KOTACERDAS_S3_ADDRESSING_STYLE,
            "location": KOTACERDAS_S3_PREFIX,
            "signature_version": "s3v4",
            "access_key": key_id or None,
            "secret_key": secret or None,
        },
    }


STORAGES["private"] = _s3_storage()
