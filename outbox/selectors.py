"""Read queries over the outbox for the apps that write work into it."""

import logging
from typing import Any

from django.db.models import QuerySet

from .models import OutboxMessage

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
