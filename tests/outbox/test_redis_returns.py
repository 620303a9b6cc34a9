"""Redis goes away and comes back: work written while it was down is handed over by the relay,
which runs in the worker as beat sends it, and done by a worker that was running all along
(ADR 0019, the Redis scenario of benchmarks/chaos.py in short).

The test starts a redis-server of its own on a free port (the shared Redis is never stopped),
with append-only persistence as in the benchmark, and a worker on it. The test process sends
through a Celery app of its own, set as the current app for the test (tasks declared with
`shared_task` are sent through the current app), so the project's app and its connection pools
are left alone."""

import contextlib
import socket
import subprocess
import time
import uuid

import pytest
from celery import Celery
from django.conf import settings

from benchmarks.stack import Stack
from config.celery import app
from outbox.models import OutboxMessage
from outbox.tasks import outbox_relay
from tests.certificates.conftest import pass_course
from tests.conftest import celery_worker_spawn, wait_for
from tests.factories import UserFactory, make_course

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _done(passes: int) -> bool:
    return OutboxMessage.objects.count() == 2 * passes and not (
        OutboxMessage.objects.filter(done_at__isnull=True).exists()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_work_written_while_redis_was_down_is_done_after_it_returns(tmp_path):
    if not settings.REDIS_URL:
        pytest.skip("a live Celery worker needs Redis (set REDIS_URL)")
    stack = Stack(files=tmp_path)
    port = _free_port()
    queue = f"test-return-{uuid.uuid4().hex[:8]}"
    own = Celery("stm-redis-returns", set_as_current=False)
    worker = None
    try:
        broker = stack.redis_start(port, persist=True)
        own.config_from_object("django.conf:settings", namespace="CELERY")
        own.conf.broker_url = broker
        own.conf.broker_transport_options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
        own.conf.task_default_queue = queue
        # the relay in the worker sends a row again one second after it was written or sent
        env = {"REDIS_URL": broker, "CELERY_BROKER_URL": broker, "OUTBOX_REDISPATCH_SECONDS": "1"}
        worker = celery_worker_spawn(queue, hostname=queue, env=env)  # skips on SQLite
        own.set_current()
        hostname = f"{queue}@{socket.gethostname()}"
        wait_for(
            lambda: own.control.inspect(destination=[hostname], timeout=1).ping(),
            what="the worker to answer a ping",
            interval=0.5,
        )
        course = make_course(title="Module Redis terug")
        # Redis up: the fast path hands the work over at once
        pass_course(UserFactory(), course)
        wait_for(lambda: _done(1), interval=0.5, what="the work done at once")

        stack.stop("redis")
        for _ in range(2):
            pass_course(UserFactory(), course)
        waiting = set(
            OutboxMessage.objects.filter(done_at__isnull=True).values_list("pk", flat=True)
        )
        assert len(waiting) == 4
        stack.redis_start(port, persist=True)
        returned = time.monotonic()

        def relayed_and_done() -> bool:
            # beat's minute tick; a worker still reconnecting receives it once it is back
            with contextlib.suppress(Exception):
                outbox_relay.apply_async(retry=False)
            return _done(3)

        wait_for(relayed_and_done, interval=2, what="the relayed work done")
        took = time.monotonic() - returned
        print(f"Redis returned: the work written while it was down was done {took:.1f} s later")
        # handed over by the relay (the fast path had failed)
        assert not OutboxMessage.objects.filter(pk__in=waiting, dispatch_count=0).exists()
    finally:
        app.set_current()
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        stack.stop_all()
        own.close()
