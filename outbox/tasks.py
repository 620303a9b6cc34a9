"""Thin Celery tasks of the outbox: run one message, run messages recorded together, and the
relay."""

from celery import shared_task


@shared_task(
    time_limit=300,
    soft_time_limit=280,
    # the outcome is on the outbox row; a stored TaskResult would be one more write per task
    # (failures are still stored: CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED)
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=4,
)
def outbox_message_run(message_id: int) -> bool:
    from .services import outbox_message_run as run

    return run(message_id=message_id)


@shared_task(
    # a certificate's PDF and e-mail: well under the single message's limit together
    time_limit=300,
    soft_time_limit=280,
    ignore_result=True,  # as outbox_message_run: the rows record the outcome
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=4,
)
def outbox_messages_run(message_ids: list[int]) -> int:
    """The fast path of work recorded together (outbox.services.outbox_add_together): one task
    runs the messages in order; a retry runs only those not done."""
    from .services import outbox_messages_run as run

    return run(message_ids=message_ids)


@shared_task(time_limit=120, soft_time_limit=100, ignore_result=True)
def outbox_relay() -> int:
    """Beat, every minute: re-dispatch messages not done a few minutes after their dispatch."""
    from .services import outbox_relay as relay

    return relay()
