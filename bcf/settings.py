"""Settings, read from the environment.

With nothing set the app runs embedded: SQLite, Celery tasks eager in-process, files on
local disk. Production sets DEBUG=false, SECRET_KEY, DATABASE_URL, REDIS_URL and
ALLOWED_HOSTS; without a SECRET_KEY it refuses to start.
"""

import datetime
import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bcf.env import env_bool, env_choice, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or "insecure-development-key-used-only-with-debug"
else:
    SECRET_KEY = env_required("SECRET_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Two-factor sign-in for the administration site: with ADMIN_OTP=true an administrator
# signs in to /admin/ with a TOTP code from a device (an authenticator app) as well as the
# password (django-otp's OTPAdminSite, via bcf.apps.OTPAdminConfig). The rest of the app
# is unchanged. Enrol an administrator's first device before switching it on: a
# TOTPDevice (django_otp.plugins.otp_totp) made in `manage.py shell`, its config_url
# scanned into the authenticator app; later devices can be added in the admin.
ADMIN_OTP = env_bool("ADMIN_OTP", default=False)

INSTALLED_APPS = [
    "bcf.apps.OTPAdminConfig" if ADMIN_OTP else "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "csp",
    "axes",
    "import_export",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "frameworks",
    "accounts",
    "plans",
    "metrics",
    "schemes",
    "risks",
    "governance",
    "submissions",
    "fixtures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Nothing shown to a signed-in user is kept in a browser's or a proxy's cache.
    "bcf.middleware.NoStoreWhenSignedIn",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one user from one address lock that pair out for 15 minutes:
# the same user signs in from elsewhere meanwhile. The address is the client's, read by
# accounts/client_address.py: behind a proxy, set TRUSTED_PROXIES to its addresses (or
# networks) so that its X-Forwarded-For is believed, and only then. Without it every
# request is judged by the connection's own address (everyone behind the proxy alike).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# Someone who changes address for every guess: this many wrong passwords for one user name,
# from any addresses together within the cool-off time, lock the name out everywhere
# (accounts/lockout.py).
AXES_HANDLER = "accounts.lockout.LockoutHandler"
SIGN_IN_FAILURES_PER_USER = 30
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES holds {_proxy!r}, which is not an address or network."
        ) from _error
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

SIMPLE_HISTORY_REVERT_DISABLED = True  # the admin shows past versions, never restores them
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Scripts only from the app itself: no inline script anywhere. Inline styles stay allowed
# for the SVG charts, which carry their own <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "bcf.urls"
WSGI_APPLICATION = "bcf.wsgi.application"

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
                "plans.context_processors.navigation",
            ],
            "builtins": ["plans.templatetags.bcf_format"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Short web queries: PostgreSQL's JIT compiler spends longer compiling the national
    # view's statements (about 50 ms) than running them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # what each role has to do (submissions/home.py)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Making Data Count's run length for SPC shifts and trends (one value for both): 7 points,
# or 6 as MDC's tool allows. Each chart and each return's snapshot records the one used.
SPC_RUN_LENGTH = int(env_choice("SPC_RUN_LENGTH", ("7", "6"), "7"))
MEDIA_URL = "/media/"
# Spreadsheets and reports are small: refuse anything larger before it is read.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES

REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# A job's state, progress and result are in the database (submissions.Job): Celery keeps no
# result, so sending a task touches only the broker.
CELERY_TASK_IGNORE_RESULT = True
# With Redis unreachable, starting a job fails within about a second (the job is recorded
# as failed, to be tried again) rather than holding the page while Celery retries.
REDIS_CONNECT_TIMEOUT = 1.0  # seconds
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": 5,
    # An unacknowledged job goes back to the queue if its worker vanished this long ago;
    # longer than any job takes (the job's own heartbeat tells people sooner).
    "visibility_timeout": 30 * 60,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = 5
# A worker records every JOB_HEARTBEAT_SECONDS that the job it runs is alive; a running job
# silent for JOB_LOST_AFTER_SECONDS has lost its worker and may be tried again.
JOB_HEARTBEAT_SECONDS = float(env_str("JOB_HEARTBEAT_SECONDS", "10"))
JOB_LOST_AFTER_SECONDS = float(env_str("JOB_LOST_AFTER_SECONDS", "60"))
# Pages kept for reuse (plans/freshness.py) are shared by every process through Redis
# (REDIS_CACHE_URL, else REDIS_URL); the embedded setup is one process and keeps them in its
# memory.
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL") or REDIS_URL
# Unreachable, the cache is skipped at once and pages computed (plans/freshness.py).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": 1}
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
        if REDIS_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_TASK_EAGER_PROPAGATES = True
# With no worker (the embedded setup), a job started from a page runs in a thread of its
# own once the page has answered, so the page shows its progress at once instead of
# keeping the browser waiting (submissions/jobs.py). Tests run jobs in the request.
JOBS_IN_THREAD = env_bool("JOBS_IN_THREAD", CELERY_TASK_ALWAYS_EAGER)
# Jobs go to Celery's default queue, but documents (PDFs and workbooks) render on their own,
# consumed by a worker of their own (docker-compose.yml), so that a quarter's returns are
# prepared at once whatever is being exported. A worker for both: `-Q celery,documents`.
CELERY_TASK_DEFAULT_QUEUE = "celery"
DOCUMENTS_QUEUE = "documents"
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's three, with JSON nested too deeply refused as a bad body (bcf/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "bcf.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
# API tokens (django-rest-knox): kept only as a SHA-512 digest, each expiring after
# API_TOKEN_DAYS; users make, see and revoke theirs on their account page (accounts/).
_token_days = env_str("API_TOKEN_DAYS", "90").strip() or "90"
API_TOKEN_DAYS = int(_token_days) if _token_days.isdigit() else 0
if not 1 <= API_TOKEN_DAYS <= 366:
    raise ImproperlyConfigured("API_TOKEN_DAYS must be a whole number of days from 1 to 366.")
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # nosec B105: a model, not a password
REST_KNOX = {"TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS), "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "Better Care Fund planner API",
    "DESCRIPTION": "Read access to Better Care Fund plans, budgets and schemes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Enum names by what they mean, so a new `kind` or `scale` elsewhere cannot clash.
    "ENUM_NAME_OVERRIDES": {
        "FundKindEnum": "risks.models.Fund.Kind",
        "RiskScaleEnum": "risks.models.Scale",
        "PlanStatusEnum": "plans.models.Plan.Status",
        "ReturnStatusEnum": "submissions.models.QuarterlyReturn.Status",
        "DecisionKindEnum": "governance.models.Decision.Kind",
    },
}

DJANGO_TABLES2_TEMPLATE = "components/table.html"

# Hardening; all on unless DEBUG, so `check --deploy` passes in production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
