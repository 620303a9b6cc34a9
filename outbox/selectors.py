"""Read queries over the outbox for the apps that write work into it."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import OutboxMessage, RelayHeartbeat

logger = logging.getLogger(__name__)


def messages_about(
    *, kind: str, key: str, value: Any, pending: bool = False
) -> QuerySet[OutboxMessage]:
    """Messages of `kind` whose payload holds `key` equal to the integer `value` (an `OuterRef`
    in a subquery); only those not done yet when `pending`."""
    messages = OutboxMessage.objects.filter(kind=kind)
    if pending:
        messages = messages.filter(done_at__isnull=True)
    return messages.about(key, value)


def broker_waiting() -> int | None:
    """How many messages wait in the default queue, where the outbox task goes (not counting
    those a worker has taken), or None when the broker does not answer. kombu's generic
    `queue_declare` gives the count on the Redis and the filesystem transports alike."""
    from .tasks import outbox_message_run

    app = outbox_message_run.app
    queue = app.conf.task_default_queue
    try:
        with app.connection_for_read() as connection:
            declared = connection.default_channel.queue_declare(queue=queue, passive=False)
    except Exception as exc:  # kombu raises several kinds; all mean "no answer"
        logger.warning("outbox: broker queue length unknown (%s)", type(exc).__name__)
        return None
    return int(declared.message_count)


#: The relay runs every minute; not for this many minutes means the workers or beat are
#: stopped.
RELAY_STALE_MINUTES = 3


@dataclass(frozen=True)
class WorkersState:
    """What the stuck-work page says about the workers: when the relay (run by a worker every
    minute, sent by beat) last ran, whether that is too long ago, and how many tasks wait in
    the queue (None: the queue does not answer)."""

    relay_ran_at: datetime | None
    minutes_since: int | None  # whole minutes since that run
    waiting: int | None

    @property
    def stale(self) -> bool:
        return self.minutes_since is None or self.minutes_since >= RELAY_STALE_MINUTES


def workers_state(*, now: datetime | None = None) -> WorkersState:
    now = now or timezone.now()
    beat = RelayHeartbeat.objects.filter(pk=1).first()
    ran_at = beat.ran_at if beat else None
    return WorkersState(
        relay_ran_at=ran_at,
        minutes_since=None if ran_at is None else int((now - ran_at).total_seconds() // 60),
        waiting=broker_waiting(),
    )
