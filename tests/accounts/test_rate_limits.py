"""accounts.rate_limits: fixed windows behave the same on the file, local-memory and Redis caches.

The file cache's `incr` rewrites the entry with the default expiry (five minutes); a counter keyed
by its window cannot be stretched by that, so a lock-out ends with its window on every backend.
The tests wait for the window to pass (a condition with a generous deadline, no fixed sleep)."""

import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.rate_limits import (
    FixedWindow,
    StoreUnavailable,
    account_retry_after,
    store_available,
)

DEADLINE = 30  # seconds; a window here lasts 1-2 s


def _database(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


def redis_database_of_its_own() -> str:
    """The Redis server of REDIS_URL, in the highest database that neither the broker nor the
    cache uses. These tests clear their cache (FLUSHDB): on the broker's database that deleted
    the tasks still waiting in the queue of a live-worker test running beside them in the other
    test process (tests/organisations/test_tasks.py, whose results then never came), and the
    cache's database is cleared by a test of its own (tests/outbox/test_redis_roles.py)."""
    taken = {_database(django_settings.CELERY_BROKER_URL), _database(django_settings.CACHE_URL)}
    free = max(set(range(16)) - taken)
    return urlunsplit(urlsplit(django_settings.REDIS_URL)._replace(path=f"/{free}"))


def redis_config() -> dict:
    """The backend config/settings/base.py gives "limits" with Redis, on a database of its own."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_database_of_its_own(),
        "OPTIONS": {"IGNORE_EXCEPTIONS": False},
    }


@pytest.mark.redis
def test_clearing_the_redis_cache_of_these_tests_leaves_the_broker_and_the_cache_alone():
    if not django_settings.REDIS_URL:
        pytest.skip("needs Redis (set REDIS_URL)")
    import redis

    key = f"test-rate-limits-{uuid.uuid4().hex}"
    others = [
        redis.Redis.from_url(url)
        for url in (django_settings.CELERY_BROKER_URL, django_settings.CACHE_URL)
    ]
    for other in others:
        other.set(key, 1)
    try:
        with override_settings(CACHES={**django_settings.CACHES, "limits": redis_config()}):
            caches["limits"].clear()
        assert [other.get(key) for other in others] == [b"1", b"1"]
    finally:
        for other in others:
            other.delete(key)


@pytest.fixture(params=["file", "locmem", pytest.param("redis", marks=pytest.mark.redis)])
def cache_backend(request, tmp_path_factory):
    if request.param == "redis":
        if not django_settings.REDIS_URL:
            pytest.skip("needs Redis (set REDIS_URL)")
        config = redis_config()
    elif request.param == "file":
        config = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path_factory.mktemp("rate-cache")),
        }
    else:
        config = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    with override_settings(CACHES={"default": config, "limits": config}):
        caches["limits"].clear()
        yield request.param
        caches["limits"].clear()


def wait_until(condition) -> bool:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_lock_out_ends_with_its_window(cache_backend):
    window = FixedWindow("test-lockout", default_limit=3, default_seconds=1)
    # start just after a window began, so the three hits fall into one window
    assert wait_until(lambda: time.time() % 1 < 0.5)
    counts = [window.hit("10.0.0.1") for _ in range(3)]
    assert counts == [1, 2, 3]
    assert window.exceeded("10.0.0.1")
    # more hits while locked do not stretch the lock-out (the file cache's incr used to)
    window.hit("10.0.0.1")
    assert wait_until(lambda: not window.exceeded("10.0.0.1"))
    assert window.hit("10.0.0.1") == 1  # a new window counts from zero


def test_subjects_and_names_count_separately(cache_backend):
    page = FixedWindow("test-page", default_limit=2, default_seconds=3600)
    api = FixedWindow("test-api", default_limit=2, default_seconds=3600)
    page.hit("10.0.0.1")
    page.hit("10.0.0.1")
    assert page.exceeded("10.0.0.1")
    assert not page.exceeded("10.0.0.2")
    assert not api.exceeded("10.0.0.1")
    assert api.hit("10.0.0.1") == 1


def test_settings_override_limit_and_window(settings):
    window = FixedWindow("test-settings", default_limit=10, default_seconds=60)
    assert (window.limit, window.seconds) == (10, 60)
    settings.RATE_LIMITS = {"test-settings": (2, 5)}
    assert (window.limit, window.seconds) == (2, 5)


@pytest.fixture
def store_down():
    """The production "limits" cache (django-redis raising its errors) on a closed port."""
    config = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/1",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": False},
    }
    with override_settings(CACHES={**django_settings.CACHES, "limits": config}):
        yield


def test_while_the_store_is_down_a_window_guarding_a_secret_refuses(store_down):
    window = FixedWindow("test-secret", default_limit=3, default_seconds=60, guards_secret=True)
    assert not store_available()
    with pytest.raises(StoreUnavailable):
        window.exceeded("10.0.0.1")
    with pytest.raises(StoreUnavailable):
        window.hit("10.0.0.1")


def test_while_the_store_is_down_any_other_window_lets_through(store_down):
    window = FixedWindow("test-open", default_limit=1, default_seconds=60)
    assert [window.hit("10.0.0.1") for _ in range(3)] == [0, 0, 0]
    assert not window.exceeded("10.0.0.1")


def test_a_bug_is_not_taken_for_an_outage(monkeypatch):
    """Only the Redis client's errors mean "store down": anything else propagates."""
    window = FixedWindow("test-bug", default_limit=1, default_seconds=60)
    monkeypatch.setattr(caches["limits"], "get", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        window.exceeded("10.0.0.1")
    with pytest.raises(ZeroDivisionError):
        store_available()


def test_retry_after_is_what_is_left_of_the_window():
    window = FixedWindow("test-retry-after", default_limit=1, default_seconds=3600)
    before = 3600 - int(time.time()) % 3600
    left = window.retry_after()
    after = 3600 - int(time.time()) % 3600
    assert left in (before, after)
    assert 1 <= left <= 3600


def test_an_account_page_waits_the_longest_window_of_its_action(settings):
    settings.ACCOUNT_RATE_LIMITS = {
        "login": "30/m/ip",
        "reset_password": "20/m/ip,5/300s/key",
        "confirm_email": "1/3m/key",
    }
    assert account_retry_after("account_login") == 60
    assert account_retry_after("account_reset_password") == 300
    # a page allauth limits under another name: the longest window of all
    assert account_retry_after("mfa_authenticate") == 300


@pytest.mark.django_db
def test_the_login_limit_answers_a_translated_page_with_retry_after(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    caches["default"].clear()
    attempt = {"login": "niemand@example.org", "password": "verkeerd"}
    for _ in range(2):
        assert client.post(reverse("account_login"), attempt).status_code == 200
    refused = client.post(reverse("account_login"), attempt)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    with translation.override("nl"):
        assert gettext("Too many attempts") in refused.text
    assert "429 Too Many Requests" not in refused.text  # allauth's bare English page
    caches["default"].clear()
