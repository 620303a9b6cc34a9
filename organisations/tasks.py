"""Thin Celery tasks: take ids, load fresh rows, call one service. Safe to run twice.
Work wanted by a request (invitation e-mails, reminders, manager e-mails, evaluations after an
event) goes through the outbox instead (the services' *_WANTED kinds, ADR 0019); these are the
beat jobs and the evaluation a test or an operator runs directly.

Late acknowledgement, requeueing on a lost worker and JSON are the project's task defaults
(CELERY_TASK_* in config/settings/base.py); only the time limits are given here."""

from celery import shared_task


@shared_task(time_limit=120, soft_time_limit=100)
def organisation_evaluate(organisation_id: int, cause: str = "manual") -> str | None:
    from .models import Organisation
    from .services.certification import organisation_evaluate as evaluate

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return None
    return evaluate(organisation=organisation, cause=cause).certification_status


@shared_task(time_limit=3600, soft_time_limit=3500)
def organisations_sweep() -> int:
    from .services.certification import organisations_sweep as sweep

    return sweep()


@shared_task(time_limit=1800, soft_time_limit=1700)
def organisations_reconcile() -> int:
    """Beat (hourly): organisations whose staff's certificates changed after their last
    evaluation are evaluated again (through the outbox)."""
    from .services.certification import organisations_reconcile as reconcile

    return reconcile()
