"""Thin Celery tasks: take ids, load fresh rows, call one service. Safe to run twice.

The e-mails go through the outbox (services.*_WANTED, ADR 0019); the three e-mail tasks below
only run messages queued before it did, and go in the next release.

Late acknowledgement, requeueing on a lost worker, JSON and the time limits are the project's
task defaults (CELERY_TASK_* in config/settings/base.py); only what differs is given here."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def registration_email(registration_id: int, kind: str) -> bool:
    """The confirmation, promotion, reminder, evaluation or changed-session e-mail of one
    registration."""
    from .services import registration_email_ensure

    return registration_email_ensure(registration_id=registration_id, kind=kind)


@shared_task(time_limit=1800, soft_time_limit=1700)
def registrations_remind() -> int:
    """Beat (hourly): reminders for sessions that start within two days."""
    from .services import registrations_remind as remind

    return remind()


@shared_task(time_limit=1800, soft_time_limit=1700)
def evaluations_invite() -> int:
    """Beat (hourly): invite who attended a session that has ended to evaluate it, once."""
    from .services import evaluations_invite as invite

    return invite()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def group_request_email(request_id: int) -> bool:
    """The organiser's answer to a group request, to the requester."""
    from .services import group_request_email_ensure

    return group_request_email_ensure(request_id=request_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def group_request_new_email(request_id: int) -> int:
    """A new group request, to the organisers of the training."""
    from .services import group_request_new_email_ensure

    return group_request_new_email_ensure(request_id=request_id)
