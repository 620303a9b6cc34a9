"""Thin Celery tasks: take ids, load fresh rows, call one service. Safe to run twice.

Late acknowledgement, requeueing on a lost worker, JSON and the time limits are the project's
task defaults (CELERY_TASK_* in config/settings/base.py); only what differs is given here."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def registration_email(registration_id: int, kind: str) -> bool:
    """The confirmation, promotion, reminder, evaluation or changed-session e-mail of one
    registration."""
    from .models import Registration
    from .services import registration_email_send

    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        return False
    return registration_email_send(registration=registration, kind=kind)


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
    from .models import GroupRequest
    from .services import group_request_email_send

    request = (
        GroupRequest.objects.select_related("requested_by", "session", "training_format")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return False
    return group_request_email_send(request=request)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def group_request_new_email(request_id: int) -> int:
    """A new group request, to the organisers of the training."""
    from .models import GroupRequest
    from .services import group_request_new_email_send

    request = (
        GroupRequest.objects.select_related("requested_by", "training_format", "region")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return 0
    return group_request_new_email_send(request=request)
