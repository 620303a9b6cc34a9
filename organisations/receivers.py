"""Signal handlers: events in the layers below that can change an organisation's certification.
Each writes the evaluation of the person's organisations to the outbox in the same transaction
(ADR 0019). The chain is pass → certificate → organisation: a pass alone counts for nothing
until its certificate exists, so there is no receiver of lms.course_passed here."""

from .models import CertificationStatusChange

Cause = CertificationStatusChange.Cause


def on_certificate_status_changed(sender, certificate, cause=None, **kwargs) -> None:
    """A personal certificate was issued, expired, revoked or superseded. A reissue after a
    name correction changes nothing that counts."""
    from .services import organisations_evaluate_for_member

    if cause == "reissued":
        return
    organisations_evaluate_for_member(
        user_id=certificate.user_id,
        cause=Cause.MEMBER_PASSED if cause == "issued" else Cause.CERTIFICATE_CHANGED,
    )
