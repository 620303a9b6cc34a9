"""Settings shared by every environment. Everything that differs per deployment comes from the
environment (12-factor); the defaults need no server (SQLite and a filesystem Celery broker)."""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# Development-only fallback; production.py refuses to start with it.
INSECURE_DEFAULT_SECRET_KEY = "django-insecure-dev-only-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
# Keys the ids of loaded course options and items (courses.content_ids, ADR 0008). When you
# rotate SECRET_KEY, set this to the old key so a reload finds the same ids.
COURSE_CONTENT_ID_KEY = env.str("COURSE_CONTENT_ID_KEY", default="") or SECRET_KEY
DEBUG = env.bool("DEBUG", default=False)
# Demo accounts have a published password: `seed_demo` refuses to run where this is False.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # project apps first so their templates override the libraries'
    "accounts",
    "courses",
    "lms",
    "certificates",
    "trainings",
    "organisations",
    "reporting",
    "cms",
    "outbox",
    # Wagtail
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # infrastructure
    "django_celery_results",
    "csp",
    # serves the API docs' Swagger UI from our static files (the CDN version breaks the CSP)
    "ninja",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Outermost: every error under /api/ is the API's JSON error shape (config/api_errors.py).
    "config.api_errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cms.language.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Control characters, over-long values and too-large bodies in forms: 400/413 (ADR 0018).
    "accounts.middleware.FormInputGuardMiddleware",
    "accounts.middleware.AdminAccessMiddleware",
    # A second factor before any page of a staff area (accounts.two_factor, ADR 0022).
    "accounts.middleware.StaffAreaTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.AdminContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RateLimitFailClosedMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
                "cms.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Embedded default: SQLite in WAL mode with IMMEDIATE transactions and a busy timeout, so the web
# server, the Celery worker and beat can write to it at the same time (ADR 0002).
SQLITE_PATH = VAR_DIR / "db.sqlite3"
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # "off" turns prepared statements off (e.g. behind a pooler that cannot keep them, ADR 0013).
    _prepare_threshold_text = env.str("DB_PREPARE_THRESHOLD", default="5").strip().lower()
    if _prepare_threshold_text in ("", "off", "none"):
        _prepare_threshold = None
    elif _prepare_threshold_text.isdigit():
        _prepare_threshold = int(_prepare_threshold_text)
    else:
        raise ImproperlyConfigured("DB_PREPARE_THRESHOLD must be a number of runs or 'off'.")
    # Parameters bound on the server and statements prepared after a few runs on a connection, so
    # PostgreSQL plans the hot queries (lesson page, answer) once per connection, not per request.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": env.bool("DB_SERVER_SIDE_BINDING", default=True),
            "prepare_threshold": _prepare_threshold,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis roles ----------------------------------------------------------------------------
# The broker and the cache never share a Redis database: clearing the cache (FLUSHDB) must not
# delete queued tasks (ADR 0019). REDIS_URL names the broker's database; the cache defaults to
# the next database number on the same server. CELERY_BROKER_URL and CACHE_URL override each.
REDIS_URL = env.str("REDIS_URL", default="")


def _redis_next_database(url: str) -> str:
    parts = urlsplit(url)
    digits = parts.path.strip("/") or "0"
    if not digits.isdigit():
        raise ImproperlyConfigured("REDIS_URL must end in a database number, e.g. /0.")
    if int(digits) >= 15:
        raise ImproperlyConfigured(
            "REDIS_URL uses Redis database 15: set CACHE_URL to a database of its own."
        )
    return urlunsplit(parts._replace(path=f"/{int(digits) + 1}"))


def _redis_identity(url: str) -> tuple:
    parts = urlsplit(url)
    return (parts.hostname, parts.port or 6379, (parts.path.strip("/") or "0"))


CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CACHE_URL = env.str("CACHE_URL", default=_redis_next_database(REDIS_URL) if REDIS_URL else "")
if (
    CACHE_URL.startswith("redis")
    and CELERY_BROKER_URL.startswith("redis")
    and _redis_identity(CACHE_URL) == _redis_identity(CELERY_BROKER_URL)
):
    raise ImproperlyConfigured(
        "CACHE_URL and CELERY_BROKER_URL point at the same Redis database: clearing the cache "
        "would delete queued tasks. Give each its own database number."
    )

# --- Celery ---------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
#: The Redis broker's transport options (tests/cms/test_degraded.py gives them to a broker that
#: is down, to prove that handing work over then fails fast).
REDIS_BROKER_TRANSPORT_OPTIONS = {
    # longer than any task's time limit (tests/test_celery.py), so a running task is never
    # handed to a second worker; a message lost with a killed worker comes back through the
    # outbox relay long before this
    "visibility_timeout": 7200,
    # a broker that is down is refused at once; one that does not answer gives up quickly,
    # so a request that hands work over never hangs (the outbox relay sends it later)
    "socket_connect_timeout": 2,
    # publishing (a request handing work over) tries the connection twice, not for 10 s;
    # the worker's own reconnect loop is set by broker_connection_max_retries instead
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
if CELERY_BROKER_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    # kombu's filesystem transport: no server needed. One folder for in and out (producer and
    # consumer share it), a control folder so `celery inspect ping` gets an answer (ADR 0002).
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": 0.1,
    }
    for _folder in (BROKER_DIR / "queue", BROKER_DIR / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = "django-db"
# Outbox tasks ignore their result (the row records it); their failures are still stored, for
# the stuck-work page.
CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED = True
CELERY_RESULT_EXTENDED = False
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless this is set;
# a new PostgreSQL connection per task halved the certificate throughput
# (benchmarks/certificate_queue.py). With it, a worker process keeps its connection for up to
# this many tasks, and config/celery.py still drops broken or CONN_MAX_AGE-old ones per task.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through Django's LOGGING (JSON, personal data scrubbed).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}
# Organisations: re-apply the 60% rule nightly (expiries, ended grace periods).
CELERY_BEAT_SCHEDULE["organisations-sweep"] = {
    "task": "organisations.tasks.organisations_sweep",
    "schedule": crontab(hour=3, minute=15),
}
# Certificates: expire and send 60/14-day reminders nightly; re-enqueue missed issues hourly.
CELERY_BEAT_SCHEDULE["certificates-expire"] = {
    "task": "certificates.tasks.certificates_expire",
    "schedule": crontab(hour=2, minute=45),
}
CELERY_BEAT_SCHEDULE["certificates-reconcile"] = {
    "task": "certificates.tasks.certificates_reconcile",
    "schedule": crontab(minute=20),
}
# Trainings: the reminder e-mail two days before a session (hourly, each sent once).
CELERY_BEAT_SCHEDULE["trainings-remind"] = {
    "task": "trainings.tasks.registrations_remind",
    "schedule": crontab(minute=35),
}
# Trainings: the evaluation invitation after a session has ended (ADR 0017).
CELERY_BEAT_SCHEDULE["trainings-evaluations-invite"] = {
    "task": "trainings.tasks.evaluations_invite",
    "schedule": crontab(minute=50),
}
# Reporting: rebuild the kept counts of targets whose definition changed (normally done right
# after the edit; this catches a lost task).
CELERY_BEAT_SCHEDULE["reporting-counts-rebuild-stale"] = {
    "task": "reporting.tasks.targets_counts_rebuild_stale",
    "schedule": crontab(hour=3, minute=40),
}
CELERY_BEAT_SCHEDULE["organisations-reconcile"] = {
    "task": "organisations.tasks.organisations_reconcile",
    "schedule": crontab(minute=35),
}
# The outbox relay: work not done a few minutes after it was handed over is handed over again.
CELERY_BEAT_SCHEDULE["outbox-relay"] = {
    "task": "outbox.tasks.outbox_relay",
    "schedule": 60.0,
}
OUTBOX_REDISPATCH_SECONDS = env.int("OUTBOX_REDISPATCH_SECONDS", default=120)

# --- Cache ----------------------------------------------------------------------------------
# Rate limits (allauth, tokens, verification) live in the cache: Redis when there is one, else
# a local file cache shared by the processes on this machine.
# With Redis down the site keeps answering (ADR 0019): "default" (django-redis) turns a Redis
# error into a cache miss (sessions then come from the database: cached_db), while "limits",
# the same database without that option, raises, so a rate limit that protects a secret (a
# password, an access token) can refuse with 503 instead of silently letting guesses through.
if CACHE_URL:
    _redis_cache_options = {
        "SOCKET_CONNECT_TIMEOUT": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
        "SOCKET_TIMEOUT": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
    }
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {**_redis_cache_options, "IGNORE_EXCEPTIONS": True},
        },
        "limits": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {**_redis_cache_options, "IGNORE_EXCEPTIONS": False},
        },
    }
    # not a traceback per cache call during an outage: /healthz and the broker's errors say it
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CACHES["limits"] = CACHES["default"]
# What the lesson page shares between learners (lms/fragments.py): a lesson's rendered body per
# live revision and language, and the markup of a question as the learner may see it (keyed by
# its content). Neither holds anything of a learner, and neither needs invalidating, so each
# process keeps its own.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "lms-fragments",
    "OPTIONS": {"MAX_ENTRIES": env.int("FRAGMENT_CACHE_ENTRIES", default=5000)},
}
# Sessions are written through to the database and read from the cache: a signed-in page
# reads its session without a query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:settings"
LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Samen tegen mensenhandel] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Adding or removing an e-mail address, downloading one's data, deleting the account and making
# an API token ask for the password (or the second factor) again, unless it was given in the
# last 5 minutes (ADR 0003, amended 2026-12-07).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# The 6th wrong password for one account within a minute is refused (ADR 0003).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "login": "30/m/ip",
}
# A second factor: an authenticator app (TOTP) or a security key/passkey (WebAuthn, through
# fido2, which django-allauth[mfa] already installs), with recovery codes for a lost one.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Samen tegen mensenhandel"
# WebAuthn is checked against the origin: https, or http://localhost in development (fido2
# refuses http://127.0.0.1, so `make run` users try a security key at http://localhost:8000).
# Staff areas (the admin, the programme area, organisation management, trainers' and
# organisers' pages, certificate administration) need a second factor for the roles that work
# there (accounts.two_factor, ADR 0022). ADMIN_TWO_FACTOR_REQUIRED is the old name, still read.
TWO_FACTOR_REQUIRED = env.bool(
    "TWO_FACTOR_REQUIRED", default=env.bool("ADMIN_TWO_FACTOR_REQUIRED", default=True)
)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# The one list of languages (ADR 0015): the interface languages are the course languages. Adding
# one (e.g. "ro" or "uk") is configuration, not code: add its code to SITE_LANGUAGES (here or in
# the environment), `make messages`, translate locale/<code>/, `make messages` again to compile;
# the sector and role snippets then have a name field for it (ADR 0015, amended).
# Each language is named in itself (Django's LANG_INFO), as the language switch shows it.
SITE_LANGUAGES = env.list("SITE_LANGUAGES", default=["nl", "en", "pl", "es"])


def _languages(codes: list[str]) -> list[tuple[str, str]]:
    from django.conf.locale import LANG_INFO

    unknown = [code for code in codes if code not in LANG_INFO]
    if unknown or LANGUAGE_CODE not in codes:
        raise ImproperlyConfigured(
            f"SITE_LANGUAGES must be Django language codes including {LANGUAGE_CODE!r};"
            f" unknown: {', '.join(unknown) or '-'}"
        )
    return [(code, LANG_INFO[code]["name_local"]) for code in codes]


LANGUAGES = _languages(SITE_LANGUAGES)
# Every language is an interface language (kept as a name for code that asks for the list).
INTERFACE_LANGUAGES = [code for code, _name in LANGUAGES]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS: list = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # S3-compatible object storage for certificates and media when configured (django-storages).
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Samen tegen mensenhandel <noreply@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Samen tegen mensenhandel"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
# Passwords are reset through allauth ("Mijn account"), with its rate limits and its mails that
# survive a mail server that does not answer (ADR 0019); Wagtail's own reset form at
# /admin/password_reset/ was reachable beside it without either.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Pages and documents are restricted to signed-in people or groups, never by a shared password:
# Wagtail's password form has no rate limit, and a shared password is no account.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
# The editors' own admin language: the programme office works in Dutch or English (ADR 0015);
# course content is edited in every language through wagtail-localize.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
# Dates in the admin as Dutch people type them (20-12-2026 10:00; Wagtail's default is ISO, and
# its date picker replaced a Dutch date typed by hand with the current time). Django's Dutch
# input formats read these; config/formats/en adds them for the English admin.
WAGTAIL_DATE_FORMAT = "%d-%m-%Y"
WAGTAIL_DATETIME_FORMAT = "%d-%m-%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
FORMAT_MODULE_PATH = ["config.formats"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "wagtail.search.backends.database"}
}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# A translation wagtail-localize creates is a draft, whatever its source's status: it goes live
# when a course reviewer publishes it, like every other page change (ADR 0007, amended).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# --- Security (production.py tightens) ------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# The Wagtail admin ships inline scripts and styles; only /admin/ gets this relaxed policy.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'self'"],
    }
}

# --- Logging: JSON lines, personal data scrubbed (accounts.logging) ----------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_pii": {"()": "accounts.logging.ScrubPersonalDataFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["scrub_pii"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail's per-save search/reference index tasks run inline; one line each is noise
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs several progress lines per PDF at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # request lines carry e-mail addresses in query strings of some flows; keep them out
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Project --------------------------------------------------------------------------------
PERSONAL_ACCESS_TOKEN_PREFIX = "stm_"  # noqa: S105 - a prefix, not a secret
# Days an organisation stays "at risk" below 60% before its certificate lapses.
ORGANISATION_GRACE_DAYS = env.int("ORGANISATION_GRACE_DAYS", default=90)

# NL Design System (Utrecht) CSS from npm, collected as static files (ADR 0005).
NODE_MODULES = BASE_DIR / "node_modules"
NPM_STATIC_FILES = {
    "utrecht/index.css": NODE_MODULES / "@utrecht/component-library-css/dist/index.css",
    "utrecht-tokens/index.css": NODE_MODULES / "@utrecht/design-tokens/dist/index.css",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.staticfinders.NpmFilesFinder",
]
