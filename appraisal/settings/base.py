"""Settings shared by every environment. Everything that differs comes from the environment.

With nothing set, the product runs on a SQLite file with Celery eager (in-process), so a
newcomer needs nothing but Python.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Reverse proxies (addresses or networks) whose X-Forwarded-For / X-Forwarded-Proto are believed;
# from anyone else those headers are dropped (appraisal.proxies). Empty: nobody is trusted.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_celery_beat",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "appraisal.apps.AppraisalConfig",
    "indicators",
    "tracelog",
    "scoring",
    "rewards",
    "periods",
]

MIDDLEWARE = [
    "appraisal.proxies.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "appraisal.middleware.RequestContextMiddleware",
    "appraisal.middleware.NoStoreMiddleware",
    "appraisal.middleware.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "appraisal.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "appraisal.middleware.AccessMiddleware",
]

ROOT_URLCONF = "appraisal.urls"
WSGI_APPLICATION = "appraisal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "appraisal.context_processors.navigation",
            ],
            # the formatting layer (numbers, money, dates, periods) in every template
            "builtins": ["appraisal.templatetags.formats"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves concurrent requests too (issue 15): writers take the write lock
    # when their transaction begins (IMMEDIATE, so two writers never deadlock upgrading a read
    # lock) and wait up to 20 s for it instead of failing with "database is locked"; WAL lets
    # readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# SECURITY.md item 2: at least 8 characters, three of four classes, not common, at most 128.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "appraisal.passwords.CharacterClassValidator"},
    {"NAME": "appraisal.passwords.MaximumLengthValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# SECURITY.md item 4: 30 minutes idle, 12 hours absolute.
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# SECURITY.md item 3: 5 failures for one username lock it for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# the address recorded with a lockout comes from the same trusted-proxy rule as the audit log
AXES_CLIENT_IP_CALLABLE = "appraisal.proxies.client_ip"
# SECURITY.md keys lockouts on the username (with the IP recorded in the audit event), so that
# one office behind a shared NAT address is not locked out by a colleague's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production (where collectstatic runs), WhiteNoise serves the vendored files directly.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
# WhiteNoise warns "No directory at …/var/staticfiles/" when it starts before the first collectstatic
# (a fresh clone's first `make run` or `make test`); the finders serve the files meanwhile, so the
# empty directory is all it needs. A read-only deployment has run collectstatic at build time.
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
# Evidence files live outside the web root and are served only through access-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Second factor (django-otp): TOTP devices carry this issuer name in authenticator apps.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "绩效考核平台")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

# Celery: with no REDIS_URL the jobs run eagerly in-process (the embedded default).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Issue 15: a web request never waits on the broker. Tasks are sent through appraisal.broker.send
# (its own connection, BROKER_PUBLISH_TIMEOUT seconds to connect and to answer, no retry, no result
# backend); Celery's own publishing is bounded the same way should anything use it directly.
BROKER_PUBLISH_TIMEOUT = float(os.environ.get("BROKER_PUBLISH_TIMEOUT", "1.0"))
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0,
                                                            "interval_step": 0.5, "interval_max": 0.5},
                                           "socket_connect_timeout": 2.0}
# Scoring jobs (scoring.jobs): a running job beats every SCORING_HEARTBEAT_SECONDS; the watchdog
# (every minute) fails and requeues a running job whose beat is older than SCORING_JOB_STALE_SECONDS.
# Soft/hard time limits bound one run; the broker redelivers an unacknowledged message only after
# visibility_timeout, which must exceed the hard limit plus the longest retry countdown.
SCORING_HEARTBEAT_SECONDS = float(os.environ.get("SCORING_HEARTBEAT_SECONDS", "15"))
SCORING_JOB_STALE_SECONDS = float(os.environ.get("SCORING_JOB_STALE_SECONDS", "180"))
SCORING_JOB_SOFT_TIME_LIMIT = int(os.environ.get("SCORING_JOB_SOFT_TIME_LIMIT", str(25 * 60)))
SCORING_JOB_TIME_LIMIT = int(os.environ.get("SCORING_JOB_TIME_LIMIT", str(30 * 60)))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": SCORING_JOB_TIME_LIMIT + 15 * 60}
# Workbook jobs (issue 16): an uploaded workbook and an export stay in PRIVATE_MEDIA_ROOT/jobs this
# long (enough to confirm an import or fetch a download), then the watchdog deletes them.
EXCHANGE_FILE_TTL_HOURS = float(os.environ.get("EXCHANGE_FILE_TTL_HOURS", "24"))

AUDIT_RETENTION_DAYS = 184

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kaohe@localhost")

X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline
# (no <script> bodies, no on…= handlers: put behaviour in static/js/ and use data attributes).
# Inline style attributes stay allowed (progress bars set their width); they cannot run code.
# img-src allows data: for Bootstrap's inline SVG icons in its CSS and the TOTP QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
