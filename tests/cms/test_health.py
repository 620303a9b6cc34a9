"""/healthz: 200 when the database and the broker answer, 503 naming the one that does not.

In-process: the unreachable server is a real connection to a closed port (or an unopenable
SQLite file), put in place of the test's database connection or broker address for one request."""

from contextlib import contextmanager

import pytest
from django.db import connections


@pytest.mark.django_db
def test_healthz_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] and body["broker"]["ok"]


@contextmanager
def database_unreachable():
    """The default connection points at a database nobody serves until the block ends."""
    working = connections["default"]
    settings_dict = {**working.settings_dict}
    if working.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent/folder/db.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    unreachable = type(working)(settings_dict, alias="default")
    connections["default"] = unreachable
    try:
        yield
    finally:
        unreachable.close()
        connections["default"] = working


@pytest.mark.django_db
def test_healthz_503_when_database_is_down(client):
    with database_unreachable():
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False and body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_503_when_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["ok"] is False and body["database"]["ok"] is True
    assert body["broker"]["detail"].startswith("redis:")
