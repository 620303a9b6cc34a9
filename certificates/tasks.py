"""Thin Celery tasks: take ids, load fresh rows, call one service. Safe to run twice."""

from celery import shared_task

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "serializer": "json",
    "time_limit": 120,
    "soft_time_limit": 100,
}


@shared_task(**TASK_OPTIONS, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def certificate_issue(completion_id: int) -> int | None:
    """Issue (or finish issuing) the certificate of a completion; returns its id."""
    from lms.models import Completion

    from .services import certificate_issue as issue

    completion = (
        Completion.objects.select_related("user", "course").filter(pk=completion_id).first()
    )
    if completion is None:
        return None
    return issue(completion=completion).pk


@shared_task(**{**TASK_OPTIONS, "time_limit": 1800, "soft_time_limit": 1700})
def certificates_expire() -> dict:
    """Beat: mark expired certificates and send the 60- and 14-day reminders."""
    from .services import certificates_expire as expire
    from .services import certificates_remind

    return {"expired": expire(), "reminded": certificates_remind()}


@shared_task(**{**TASK_OPTIONS, "time_limit": 600, "soft_time_limit": 550})
def certificates_reconcile() -> int:
    """Beat: enqueue certificate_issue for every completion that has no certificate yet (a lost
    message, a worker that was down). certificate_issue is idempotent, so overlap is harmless."""
    from .services import completions_without_certificate

    ids = list(completions_without_certificate().values_list("pk", flat=True)[:5000])
    for completion_id in ids:
        certificate_issue.delay(completion_id)
    return len(ids)


@shared_task(**{**TASK_OPTIONS, "time_limit": 6 * 3600, "soft_time_limit": 6 * 3600 - 60})
def certificates_reissue(job_id: int) -> int | None:
    """One bulk job: re-render every PDF made with an older template, with progress."""
    from .models import ReissueJob
    from .services import reissue_job_run

    job = ReissueJob.objects.filter(pk=job_id).first()
    if job is None or job.status == ReissueJob.Status.DONE:
        return None
    return reissue_job_run(job=job).done


@shared_task(**{**TASK_OPTIONS, "time_limit": 1800, "soft_time_limit": 1700})
def certificate_archive_build(archive_id: int) -> bool:
    """Build a requested ZIP of certificate PDFs."""
    from .models import CertificateArchive
    from .services import archive_build

    archive = CertificateArchive.objects.filter(pk=archive_id).first()
    if archive is None:
        return False
    return archive_build(archive=archive).status == CertificateArchive.Status.DONE
