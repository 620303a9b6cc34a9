import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] and body["broker"]["ok"]


def _healthz_in_subprocess(**env) -> tuple[int, dict]:
    code = (
        "import django, json; django.setup();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


def test_healthz_503_when_database_is_down():
    status, body = _healthz_in_subprocess(DATABASE_URL="postgres://nobody:x@127.0.0.1:1/none")
    assert status == 503
    assert body["database"]["ok"] is False


def test_healthz_503_when_broker_is_down(tmp_path):
    status, body = _healthz_in_subprocess(
        REDIS_URL="redis://127.0.0.1:1/0", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"
    )
    assert status == 503
    assert body["broker"]["ok"] is False and body["database"]["ok"] is True
