"""Reads used by views, the API and other apps."""

from lms import selectors as lms_selectors

from .models import Certificate


def certificate_verification(*, code: str) -> dict | None:
    """The public facts of a personal certificate for a normalised code, or None.
    Nothing personal beyond the name printed on the certificate."""
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return None
    status = certificate.effective_status
    return {
        "kind": "personal",
        "certificate": certificate,
        "code": certificate.code,
        "display_code": certificate.display_code,
        "holder_name": certificate.holder_name,
        "course_title": certificate.course_title,
        "status": status,
        "status_label": Certificate.Status(status).label,
        "issued_on": certificate.issued_at,
        "expires_on": certificate.expires_at,
        "status_changed_at": certificate.revoked_at
        if status == Certificate.Status.REVOKED
        else certificate.status_changed_at,
        "is_valid": status == Certificate.Status.VALID,
    }


def certificates_for_user(*, user):
    return Certificate.objects.filter(user=user).order_by("-issued_at")


def completions_awaiting_certificate(*, user):
    """The person's passes whose certificate is still being made (the Celery task has not
    stored it yet)."""
    return (
        lms_selectors.completions(user=user)
        .filter(certificate__isnull=True)
        .select_related("course")
        .order_by("-completed_at")
    )
