"""Signal handlers: events in the layers below that can change an organisation's certification.
Each enqueues the evaluation of the person's organisations after the transaction commits."""

from django.db import transaction

from .models import CertificationStatusChange, StaffMembership

Cause = CertificationStatusChange.Cause


def _evaluate_organisations_of(user_id: int, cause: str) -> None:
    from . import tasks

    def enqueue():
        for organisation_id in (
            StaffMembership.objects.filter(user_id=user_id, left_at__isnull=True)
            .order_by()  # the default ordering would leak into DISTINCT
            .values_list("organisation_id", flat=True)
            .distinct()
        ):
            tasks.organisation_evaluate.delay(organisation_id, cause)

    transaction.on_commit(enqueue)


def on_course_passed(sender, completion, **kwargs) -> None:
    _evaluate_organisations_of(completion.user_id, Cause.MEMBER_PASSED)


def on_certificate_status_changed(sender, certificate, cause=None, **kwargs) -> None:
    """A personal certificate was issued, expired, revoked or superseded. A reissue after a
    name correction changes nothing that counts."""
    if cause == "reissued":
        return
    _evaluate_organisations_of(
        certificate.user_id,
        Cause.MEMBER_PASSED if cause == "issued" else Cause.CERTIFICATE_CHANGED,
    )
