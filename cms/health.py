"""Liveness of the two things the platform cannot work without: database and broker."""

import os
from pathlib import Path

from django.conf import settings
from django.db import connections


def database_status() -> tuple[bool, str]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, type(exc).__name__
    return True, connections["default"].vendor


def broker_status() -> tuple[bool, str]:
    url: str = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders = [Path(options["data_folder_in"]), Path(options["control_folder"])]
        for folder in folders:
            if not folder.is_dir() or not os.access(folder, os.W_OK):
                return False, "filesystem: queue folder missing or not writable"
        return True, "filesystem"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:
        return False, f"redis: {type(exc).__name__}"
    return True, "redis"
