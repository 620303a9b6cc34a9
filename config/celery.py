"""Celery application. Broker and beat schedule come from Django settings (CELERY_ namespace)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("stm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def drop_stale_database_connections(sender=None, **kwargs) -> None:
    """With CELERY_DB_REUSE_MAX a worker keeps its database connection between tasks; drop it
    when it is broken or older than CONN_MAX_AGE, as Django does around each request. Not for
    tasks run eagerly (inside a request or a test, whose connection is not the task's)."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
