"""A worker keeps its database connection between tasks (CELERY_DB_REUSE_MAX) but drops one
that is too old or broken, as Django does around requests."""

import time
from types import SimpleNamespace

import pytest
from django.db import connection

from config.celery import app, drop_stale_database_connections


def task(eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_the_worker_reuses_connections():
    from celery.fixups.django import DjangoWorkerFixup

    assert DjangoWorkerFixup(app).db_reuse_max >= 1


@pytest.mark.django_db(transaction=True)
def test_an_obsolete_connection_is_dropped_around_a_task():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite database (set DATABASE_URL)")
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    drop_stale_database_connections(sender=task(eager=False))
    assert connection.connection is None


@pytest.mark.django_db(transaction=True)
def test_a_fresh_connection_stays():
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60
    drop_stale_database_connections(sender=task(eager=False))
    assert connection.connection is not None


@pytest.mark.django_db
def test_an_eager_task_leaves_the_callers_connection_alone():
    connection.ensure_connection()
    drop_stale_database_connections(sender=task(eager=True))
    assert connection.connection is not None
