"""Celery application. Broker and beat schedule come from Django settings (CELERY_ namespace)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("stm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
