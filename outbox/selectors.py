"""Read queries over the outbox for the apps that write work into it."""

from typing import Any

from django.db.models import QuerySet

from .models import OutboxMessage


def messages_about(
    *, kind: str, key: str, value: Any, pending: bool = False
) -> QuerySet[OutboxMessage]:
    """Messages of `kind` whose payload holds `key` equal to the integer `value` (an `OuterRef`
    in a subquery); only those not done yet when `pending`."""
    messages = OutboxMessage.objects.filter(kind=kind)
    if pending:
        messages = messages.filter(done_at__isnull=True)
    return messages.about(key, value)
