"""Settings guards: production refuses unsafe configuration; check --deploy is clean.

The guards run in this process: `settings_read` executes a settings module (and base) afresh
under a given environment, which is all a process start does with it. Only `check --deploy`
starts a process, because the production settings must be the settings of a whole process
for Django's deployment checks."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment has not
        if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # only against a hang: a loaded machine may take long to start Django
        env={**base, **env},
    )


@pytest.fixture
def settings_read(monkeypatch):
    """`settings_read(name, **env)`: the names config.settings.<name> defines when read with
    `env` added to this process's environment (without SECRET_KEY unless given). The module
    and base are executed afresh; the settings this test run uses are left as they were."""
    import config.settings
    import config.settings.base

    def read(name: str, **env: str) -> dict:
        monkeypatch.delenv("SECRET_KEY", raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        # base reads the environment when imported: import it again, put the original back after
        monkeypatch.setattr(config.settings, "base", config.settings.base)
        monkeypatch.delitem(sys.modules, "config.settings.base")
        return runpy.run_module(f"config.settings.{name}")

    return read


PRODUCTION_ENV = {
    "ALLOWED_HOSTS": "leren.example.org",
    "SITE_URL": "https://leren.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587",
    "DEFAULT_FROM_EMAIL": "noreply@example.org",
}


def test_production_refuses_missing_secret_key(settings_read):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        settings_read("production", **PRODUCTION_ENV)


def test_production_refuses_the_development_secret_key(settings_read):
    from config.settings.base import INSECURE_DEFAULT_SECRET_KEY

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        settings_read("production", SECRET_KEY=INSECURE_DEFAULT_SECRET_KEY, **PRODUCTION_ENV)


def test_production_accepts_a_random_secret_key(settings_read):
    key = secrets.token_urlsafe(64)
    production = settings_read("production", SECRET_KEY=key, **PRODUCTION_ENV)
    assert production["SECRET_KEY"] == key and production["DEBUG"] is False


def test_check_deploy_prints_no_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_prepared_statements_can_be_turned_off_for_a_pooler(settings_read):
    pooled = {"DATABASE_URL": "postgres://u:p@db.invalid/stm"}
    default = settings_read("dev", **pooled)["DATABASES"]["default"]["OPTIONS"]
    assert default["prepare_threshold"] == 5 and default["server_side_binding"] is True
    off = settings_read(
        "dev", DB_PREPARE_THRESHOLD="off", DB_SERVER_SIDE_BINDING="false", **pooled
    )["DATABASES"]["default"]["OPTIONS"]
    assert off["prepare_threshold"] is None and off["server_side_binding"] is False
    with pytest.raises(ImproperlyConfigured, match="DB_PREPARE_THRESHOLD"):
        settings_read("dev", DB_PREPARE_THRESHOLD="often", **pooled)
