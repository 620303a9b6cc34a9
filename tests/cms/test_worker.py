import os

from config.celery import app


def test_live_worker_answers_ping(celery_worker_process):
    queue = app.conf.task_default_queue
    replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=5)
    assert replies and "ok" in next(iter(replies[0].values()))
