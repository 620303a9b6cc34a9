import os

from config.celery import app
from tests.conftest import wait_for


def test_live_worker_answers_ping(celery_worker_process):
    queue = app.conf.task_default_queue
    destination = [f"{queue}@{os.uname().nodename}"]
    # each ping waits 1 s for replies; asked again until the deadline (a busy machine is slow)
    replies = wait_for(
        lambda: app.control.ping(destination=destination, timeout=1), what="a ping reply"
    )
    assert "ok" in next(iter(replies[0].values()))
