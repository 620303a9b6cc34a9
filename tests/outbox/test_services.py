"""The outbox: rows written with the transaction, dispatched after the commit or by the relay,
run once, failures counted and given up to a person after MAX_ATTEMPTS."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outbox import registry, services
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

RUNS: list[dict] = []


def _record(**payload):
    RUNS.append(payload)


def _fail(**payload):
    raise OSError("disk full")


registry.register("tests.record", _record)
registry.register("tests.fail", _fail)


def _sent_before(message, *, seconds: int, times: int, now) -> None:
    """`message` was handed to the broker `times` times, the last one `seconds` before `now`."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        dispatched_at=now - timedelta(seconds=seconds), dispatch_count=times
    )


def _broker_holds(monkeypatch, settings, waiting: int | None) -> None:
    """The broker answers that `waiting` messages wait (None: it does not answer); the relay
    sends a message again 120 s after its first dispatch."""
    monkeypatch.setattr(services, "broker_waiting", lambda: waiting)
    settings.OUTBOX_REDISPATCH_SECONDS = 120


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()
    yield
    RUNS.clear()


def test_a_rolled_back_transaction_leaves_no_work():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.outbox_add(kind="tests.record", payload={"n": 1})
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_unknown_kind_is_refused():
    with pytest.raises(LookupError):
        services.outbox_add(kind="tests.nobody", payload={})


def test_run_marks_done_and_a_second_run_changes_nothing():
    message = services.outbox_add(kind="tests.record", payload={"n": 2})
    assert services.outbox_message_run(message_id=message.pk) is True
    assert services.outbox_message_run(message_id=message.pk) is False
    assert RUNS == [{"n": 2}]
    message.refresh_from_db()
    assert message.done_at is not None and message.attempts == 1


def test_failures_are_counted_and_given_up_after_max_attempts():
    message = services.outbox_add(kind="tests.fail", payload={})
    for _ in range(services.MAX_ATTEMPTS):
        with pytest.raises(OSError):
            services.outbox_message_run(message_id=message.pk)
    message.refresh_from_db()
    assert message.attempts == services.MAX_ATTEMPTS
    assert message.failed_at is not None and message.last_error == "OSError"
    # given up: the relay leaves it, the stuck-work page shows it
    later = timezone.now() + timedelta(hours=1)
    assert message.pk not in services.outbox_due(now=later).values_list("pk", flat=True)
    assert message.pk in services.outbox_stuck().values_list("pk", flat=True)


def test_relay_picks_what_is_not_done_a_few_minutes_after_dispatch(settings):
    settings.OUTBOX_REDISPATCH_SECONDS = 120
    fresh = services.outbox_add(kind="tests.record", payload={"n": 3})
    old = services.outbox_add(kind="tests.record", payload={"n": 4})
    done = services.outbox_add(kind="tests.record", payload={"n": 5})
    services.outbox_message_run(message_id=done.pk)
    OutboxMessage.objects.filter(pk__in=[old.pk, done.pk]).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    due = set(services.outbox_due().values_list("pk", flat=True))
    assert due == {old.pk}
    assert fresh.pk not in due
    # once handed over again it waits another few minutes
    OutboxMessage.objects.filter(pk=old.pk).update(dispatched_at=timezone.now())
    assert not services.outbox_due().exists()


def test_stuck_lists_rows_older_than_15_minutes():
    recent = services.outbox_add(kind="tests.record", payload={})
    old = services.outbox_add(kind="tests.record", payload={})
    OutboxMessage.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    assert list(services.outbox_stuck().values_list("pk", flat=True)) == [old.pk]
    assert recent.pk


def test_relay_waits_longer_after_each_dispatch_while_the_broker_holds_a_backlog(
    settings, monkeypatch
):
    _broker_holds(monkeypatch, settings, 40)
    message = services.outbox_add(kind="tests.record", payload={})
    now = timezone.now()
    _sent_before(message, seconds=200, times=2, now=now)
    # dispatched twice: the next wait is 240 s, not 120 s
    assert services.outbox_relay(now=now) == 0
    _sent_before(message, seconds=250, times=2, now=now)
    assert services.outbox_relay(now=now) == 1


@pytest.mark.parametrize("waiting", [None, 1])
def test_relay_keeps_the_back_off_while_messages_wait_or_the_broker_does_not_answer(
    settings, monkeypatch, waiting
):
    _broker_holds(monkeypatch, settings, waiting)
    message = services.outbox_add(kind="tests.record", payload={})
    now = timezone.now()
    _sent_before(message, seconds=200, times=3, now=now)
    assert services.outbox_relay(now=now) == 0


def test_relay_sends_lost_work_again_without_back_off_when_nothing_waits(settings, monkeypatch):
    """A worker killed while holding a message: the broker's queue is empty but the row is not
    done. The relay sends it once it is due, however often it was sent before."""
    _broker_holds(monkeypatch, settings, 0)
    lost = services.outbox_add(kind="tests.record", payload={"n": 1})
    recent = services.outbox_add(kind="tests.record", payload={"n": 2})
    now = timezone.now()
    _sent_before(lost, seconds=130, times=4, now=now)
    _sent_before(recent, seconds=30, times=4, now=now)
    assert services.outbox_relay(now=now) == 1
    lost.refresh_from_db()
    assert lost.dispatch_count == 5


def test_the_broker_queue_length_is_read_from_the_broker(settings):
    """The real broker of this run (the filesystem folder, or Redis in CI) answers with a
    number; a queue of its own so other tests' messages do not count."""
    from outbox import selectors
    from outbox.tasks import outbox_message_run

    queue = f"tests-waiting-{timezone.now().timestamp()}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app = outbox_message_run.app
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        assert selectors.broker_waiting() == 0
        outbox_message_run.apply_async((0,), queue=queue)
        outbox_message_run.apply_async((0,), queue=queue)
        assert selectors.broker_waiting() == 2
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)
        app.conf.task_default_queue = previous


def test_work_recorded_together_runs_in_order_and_each_row_is_done_once():
    first, second = services.outbox_add_together(
        messages=[("tests.record", {"n": 6}), ("tests.record", {"n": 7})]
    )
    assert services.outbox_messages_run(message_ids=[first.pk, second.pk]) == 2
    assert RUNS == [{"n": 6}, {"n": 7}]
    # a redelivered task changes nothing; each row on its own is done too
    assert services.outbox_messages_run(message_ids=[first.pk, second.pk]) == 0
    assert services.outbox_message_run(message_id=second.pk) is False
    assert RUNS == [{"n": 6}, {"n": 7}]
    for row in (first, second):
        row.refresh_from_db()
        assert row.done_at is not None and row.attempts == 1


def test_a_failure_in_work_recorded_together_stops_neither_the_rest_nor_its_own_retry():
    failing, after = services.outbox_add_together(
        messages=[("tests.fail", {}), ("tests.record", {"n": 8})]
    )
    with pytest.raises(OSError):
        services.outbox_messages_run(message_ids=[failing.pk, after.pk])
    assert RUNS == [{"n": 8}]
    failing.refresh_from_db()
    after.refresh_from_db()
    assert failing.done_at is None and failing.attempts == 1 and failing.last_error == "OSError"
    assert after.done_at is not None
    # the task's retry runs only what failed; the relay would send the failed row on its own
    with pytest.raises(OSError):
        services.outbox_messages_run(message_ids=[failing.pk, after.pk])
    assert RUNS == [{"n": 8}]
    failing.refresh_from_db()
    assert failing.attempts == 2
    later = timezone.now() + timedelta(hours=1)
    assert list(services.outbox_due(now=later).values_list("pk", flat=True)) == [failing.pk]


def test_work_recorded_together_is_rolled_back_together():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.outbox_add_together(messages=[("tests.record", {}), ("tests.record", {})])
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    with pytest.raises(LookupError):
        services.outbox_add_together(messages=[("tests.record", {}), ("tests.nobody", {})])
    assert not OutboxMessage.objects.exists()
