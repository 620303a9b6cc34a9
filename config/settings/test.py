from .base import *  # noqa: F403
from .base import CACHES, DATABASES, env

DEBUG = False
DEMO_DATA_ALLOWED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
    "fragments": CACHES["fragments"],
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env.str(
    "DATABASE_URL", default=""
):
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
CELERY_TASK_ALWAYS_EAGER = False
# No page search index in tests: the site's own pages search none (only Wagtail's admin page
# search reads it, which no test exercises), and indexing was a fifth of the time of every test
# course a factory builds.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
}
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# A live test worker listens on its own queue (tests/conftest.py: celery_worker_process).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TEST_QUEUE", default="celery")
# Hour-long rate-limit windows (accounts.rate_limits): a test's hits never straddle two windows.
RATE_LIMITS = {
    "api-token-failures": (10, 3600),
    "certificate-verify-page": (30, 3600),
    "certificate-verify-api": (30, 3600),
}
