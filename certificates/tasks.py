"""Thin Celery tasks: take ids, load fresh rows, call one service. Safe to run twice.

Late acknowledgement, requeueing on a lost worker and JSON are the project's task defaults
(CELERY_TASK_* in config/settings/base.py); only what differs (time limits, retries) is given here."""

from celery import shared_task


@shared_task(
    time_limit=120, soft_time_limit=100, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def certificate_issue(completion_id: int) -> int | None:
    """Issue (or finish issuing) the certificate of a completion; returns its id."""
    from lms.selectors import completion_get

    from .services import certificate_issue as issue

    completion = completion_get(completion_id=completion_id)
    if completion is None:
        return None
    return issue(completion=completion).pk


@shared_task(time_limit=1800, soft_time_limit=1700)
def certificates_expire() -> dict:
    """Beat: mark expired certificates and send the 60- and 14-day reminders."""
    from .services import certificates_expire as expire
    from .services import certificates_remind

    return {"expired": expire(), "reminded": certificates_remind()}


@shared_task(time_limit=1800, soft_time_limit=1700)
def certificates_reconcile() -> dict:
    """Beat (hourly): the full repair. Completions without a certificate, certificates without
    a PDF and learners never e-mailed get their work written to the outbox again
    (services.certificates_reconcile); the outbox relay hands it to the workers."""
    from .services import certificates_reconcile as reconcile

    return reconcile()


@shared_task
def certificates_reissue(job_id: int) -> int | None:
    """Serves messages queued before bulk jobs went through the outbox: runs the job's first
    slice, which queues the rest as outbox messages (services.reissue_job_ensure)."""
    from .services import reissue_job_ensure

    return reissue_job_ensure(job_id=job_id)


@shared_task(time_limit=1800, soft_time_limit=1700)
def certificate_archive_build(archive_id: int) -> bool:
    """Build a requested ZIP of certificate PDFs (new requests go through the outbox)."""
    from .services import archive_ensure

    return archive_ensure(archive_id=archive_id)
