"""Thin Celery tasks of the outbox: run one message, and the relay."""

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


@shared_task(time_limit=120, soft_time_limit=100, ignore_result=True)
def outbox_relay() -> int:
    """Beat, every minute: re-dispatch messages not done a few minutes after their dispatch."""
    from .services import outbox_relay as relay

    return relay()
