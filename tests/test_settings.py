"""Settings guards: production refuses unsafe configuration; check --deploy is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

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
        timeout=120,
        env={**base, **env},
    )


PRODUCTION_ENV = {
    "ALLOWED_HOSTS": "leren.example.org",
    "SITE_URL": "https://leren.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587",
    "DEFAULT_FROM_EMAIL": "noreply@example.org",
}


def test_production_refuses_missing_secret_key():
    result = run_manage("check", "--settings=config.settings.production", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_secret_key():
    from config.settings.base import INSECURE_DEFAULT_SECRET_KEY

    result = run_manage(
        "check",
        "--settings=config.settings.production",
        SECRET_KEY=INSECURE_DEFAULT_SECRET_KEY,
        **PRODUCTION_ENV,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


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


def _database_options(**env):
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    return run_manage(
        "shell",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL="postgres://u:p@db.invalid/stm",
        **env,
    )


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    default = _database_options()
    assert "'prepare_threshold': 5" in default.stdout, default.stderr
    assert "'server_side_binding': True" in default.stdout
    off = _database_options(DB_PREPARE_THRESHOLD="off", DB_SERVER_SIDE_BINDING="false")
    assert "'prepare_threshold': None" in off.stdout, off.stderr
    assert "'server_side_binding': False" in off.stdout
    wrong = _database_options(DB_PREPARE_THRESHOLD="often")
    assert wrong.returncode != 0 and "DB_PREPARE_THRESHOLD" in wrong.stderr
