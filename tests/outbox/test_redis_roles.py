"""Broker and cache live in different Redis databases: clearing the cache never touches the
queue (ADR 0019)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent


def _settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL); print(s.CACHES['default']['LOCATION'])"
    )
    environment = {
        k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "CELERY_BROKER_URL"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings.base")
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, cwd=ROOT
    )


def test_cache_defaults_to_the_next_database():
    result = _settings_in_subprocess(REDIS_URL="redis://cache.example:6379/4")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://cache.example:6379/4", "redis://cache.example:6379/5"]


def test_one_database_for_both_is_refused():
    result = _settings_in_subprocess(
        REDIS_URL="redis://127.0.0.1:6379/4", CACHE_URL="redis://127.0.0.1:6379/4"
    )
    assert result.returncode != 0
    assert "same Redis database" in result.stderr


@pytest.mark.redis
def test_cache_clear_leaves_queued_messages_alone():
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs Redis (set REDIS_URL)")
    import redis
    from django.core.cache.backends.redis import RedisCache  # noqa: F401
    from django_redis.cache import RedisCache as DjangoRedisCache

    from config.celery import app

    queue = f"test-roles-{uuid.uuid4().hex[:8]}"
    cache_url = settings.CACHE_URL
    cache = DjangoRedisCache(cache_url, {"OPTIONS": {"IGNORE_EXCEPTIONS": False}})
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        app.send_task("outbox.tasks.outbox_relay", queue=queue)
        cache.set("something", 1)
        assert broker.llen(queue) == 1
        cache.clear()
        assert cache.get("something") is None
        assert broker.llen(queue) == 1
    finally:
        broker.delete(queue)
