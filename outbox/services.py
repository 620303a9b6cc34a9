"""Write, dispatch, run and retry outbox messages (ADR 0019)."""

import contextlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import DoneOnce, OutboxMessage, RelayHeartbeat
from .registry import handler_for
from .selectors import broker_waiting

logger = logging.getLogger(__name__)

#: After this many failed runs a message waits for a person (the stuck-work page) instead of
#: being re-dispatched by the relay.
MAX_ATTEMPTS = 5


def outbox_add(*, kind: str, payload: dict) -> OutboxMessage:
    """Record work for `kind`'s handler in the current transaction. It is handed to the broker
    right after the commit (fast path) and by the relay if that did not happen or the work is
    not done a few minutes later; a rolled-back transaction leaves nothing behind."""
    handler_for(kind)  # an unknown kind is a programming error: fail in the transaction
    message = OutboxMessage.objects.create(kind=kind, payload=payload)
    pk = message.pk
    transaction.on_commit(lambda: outbox_dispatch(ids=[pk], record=False))
    return message


def outbox_add_together(*, messages: list[tuple[str, dict]]) -> list[OutboxMessage]:
    """Record several pieces of work, as `outbox_add` does each, that one Celery task runs in
    this order on the fast path (a certificate's PDF, then its e-mail): one broker message, one
    load and one "done" write instead of one of each per piece. Each row stays its own unit:
    run, counted as failed, retried and re-dispatched by the relay on its own; a failing piece
    does not stop the next one."""
    for kind, _payload in messages:
        handler_for(kind)  # an unknown kind is a programming error: fail in the transaction
    rows = OutboxMessage.objects.bulk_create(
        [OutboxMessage(kind=kind, payload=payload) for kind, payload in messages]
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: outbox_dispatch(ids=ids, record=False, together=True))
    return rows


def outbox_once_claim(*, key: str) -> bool:
    """Claim the once-only work `key` (ids and short codes, never personal data) in the
    caller's transaction, before doing it: True the first time, False when it was done. The
    claim commits or rolls back with the work, so a handler run twice (a redelivered message,
    the relay, a retry) sends its e-mail once; a run while another holds the claim waits for it
    and then finds it done."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_once_claim must run in the transaction that does the work")
    try:
        with transaction.atomic():
            DoneOnce.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def outbox_dispatch(*, ids: list[int], record: bool, together: bool = False) -> int:
    """Hand messages to the broker; returns how many were handed over. A broker that is down is
    not an error here: the rows stay and the relay sends them later (the request that wrote them
    must not fail). `record` stamps dispatched_at (the relay and retries; the fast path leaves
    the row untouched so a pass costs no extra write). `together` hands them over as one task
    that runs them in order (outbox_add_together)."""
    from .tasks import outbox_message_run, outbox_messages_run

    # together: one task runs them all in order; otherwise one task per message
    deliveries = (
        [(outbox_messages_run, (ids,), ids)]
        if together and len(ids) > 1
        else [(outbox_message_run, (pk,), [pk]) for pk in ids]
    )
    sent: list[int] = []
    for task, args, pks in deliveries:
        try:
            # no publish retries: a request must not wait for a broker that is down
            task.apply_async(args, retry=False)
        except Exception as exc:  # kombu raises several kinds; all mean "not handed over"
            logger.warning(
                "outbox: broker unavailable (%s); %d message(s) left for the relay",
                type(exc).__name__,
                len(ids) - len(sent),
            )
            break
        sent.extend(pks)
    if record and sent:
        OutboxMessage.objects.filter(pk__in=sent).update(
            dispatched_at=timezone.now(), dispatch_count=F("dispatch_count") + 1
        )
    return len(sent)


def outbox_due(*, now: datetime | None = None):
    """Messages the relay sends again: not done, not given up, and not handed over (or created)
    within the last OUTBOX_REDISPATCH_SECONDS."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)
    return OutboxMessage.objects.filter(done_at__isnull=True, failed_at__isnull=True).filter(
        Q(dispatched_at__lt=cutoff) | Q(dispatched_at__isnull=True, created_at__lt=cutoff)
    )


#: While the broker holds a backlog, the wait before a re-dispatch doubles with every dispatch
#: (up to 2**5 times the base), so a backlog that is merely slow is not flooded with copies of
#: its own messages.
BACKOFF_STEPS = 5


def outbox_relay(*, now: datetime | None = None, batch: int = 2000) -> int:
    """Beat, every minute: dispatch what is due (oldest first).

    When nothing waits in the broker's queue, a row that is not done is running or was lost
    (a worker killed while holding it, a message the broker dropped): it is sent again as soon
    as it is due, without the back-off, so work lost with a killed worker is picked up within
    OUTBOX_REDISPATCH_SECONDS plus a minute of the worker's return, not after up to 2**5 times
    that (ADR 0019, amended 2026-12-06 night). A broker that does not answer keeps the
    back-off."""
    now = now or timezone.now()
    RelayHeartbeat.objects.update_or_create(pk=1, defaults={"ran_at": now})
    waiting = broker_waiting()
    backlog = waiting is None or waiting > 0
    base = settings.OUTBOX_REDISPATCH_SECONDS
    rows = outbox_due(now=now).order_by("pk").values_list("pk", "dispatched_at", "dispatch_count")
    ids = [
        pk
        for pk, dispatched_at, count in rows[:batch]
        if dispatched_at is None
        or not backlog
        or dispatched_at < now - timedelta(seconds=base * 2 ** min(count - 1, BACKOFF_STEPS))
    ]
    return outbox_dispatch(ids=ids, record=True) if ids else 0


def outbox_message_run(*, message_id: int) -> bool:
    """Run a message's handler and mark it done. A message already done is skipped, so a
    redelivered or re-dispatched message changes nothing. Returns True when it ran."""
    return outbox_messages_run(message_ids=[message_id]) == 1


def outbox_messages_run(*, message_ids: list[int]) -> int:
    """Run several messages in the given order (outbox_add_together), each as
    `outbox_message_run` would: one already done is skipped, a failure is counted on its own
    row and does not stop the others. The ones that ran are marked done together before the
    first failure is raised (so the task's retry runs only what failed). Returns how many ran."""
    rows = OutboxMessage.objects.filter(pk__in=message_ids, done_at__isnull=True).only(
        "kind", "payload", "attempts"
    )
    by_pk = {row.pk: row for row in rows}
    ran: list[int] = []
    failure: Exception | None = None
    for pk in message_ids:
        message = by_pk.get(pk)
        if message is None:
            continue
        try:
            handler_for(message.kind)(**message.payload)
        except Exception as exc:
            _failure_record(message, exc)
            failure = failure or exc
            continue
        ran.append(pk)
    if ran:
        # a worker killed before this line leaves the rows for the relay; their handlers are
        # idempotent, so running them again changes nothing
        OutboxMessage.objects.filter(pk__in=ran, done_at__isnull=True).update(
            done_at=timezone.now(), attempts=F("attempts") + 1, failed_at=None
        )
    if failure is not None:
        raise failure
    return len(ran)


def _failure_record(message: OutboxMessage, exc: Exception) -> None:
    """Count the failure; the MAX_ATTEMPTS-th gives the message up to a person. Only the class
    name is kept: exception messages may hold personal data."""
    failed = message.attempts + 1 >= MAX_ATTEMPTS
    # the database itself may have failed (a dropped connection): then the task's retry or the
    # relay runs the message again, and the original error is what the log needs
    with contextlib.suppress(DatabaseError):
        OutboxMessage.objects.filter(pk=message.pk, done_at__isnull=True).update(
            attempts=F("attempts") + 1,
            last_error=type(exc).__name__[:200],
            failed_at=timezone.now() if failed else None,
        )


def outbox_stuck(*, now: datetime | None = None, older_than: timedelta = timedelta(minutes=15)):
    """Messages a person should look at: not done and older than `older_than`, or given up."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(done_at__isnull=True).filter(
        Q(created_at__lt=now - older_than) | Q(failed_at__isnull=False)
    )


def outbox_retry(*, message: OutboxMessage) -> bool:
    """A person asks for another try: reset the failure count and dispatch now. Returns True
    when the broker took it (otherwise the relay will, now that it is no longer given up)."""
    updated = OutboxMessage.objects.filter(pk=message.pk, done_at__isnull=True).update(
        attempts=0, failed_at=None, last_error=""
    )
    if not updated:
        return False
    return outbox_dispatch(ids=[message.pk], record=True) == 1
