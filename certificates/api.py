"""Public JSON verification: GET /api/v1/certificates/{code}. No authentication; only the facts
printed on the certificate. Rate limited per client address together with the HTML page."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.api_auth import TooManyRequests
from accounts.api_schema import PlainStr, responses

from . import verification

router = Router(tags=["certificates"])


class VerificationOut(Schema):
    code: str
    kind: str
    status: str
    valid: bool
    holder_name: str
    course: str
    issued_on: date | None
    expires_on: date | None
    revoked_on: date | None


def _day(value) -> date | None:
    if value is None:
        return None
    if hasattr(value, "hour"):
        return timezone.localdate(value)
    return value


@router.get(
    "/{code}",
    response=responses({200: VerificationOut}, 400, 404, 422, 429),
    auth=None,
    summary="Verify a certificate",
)
def certificate_verify(request, code: PlainStr):
    """Case-insensitive; dashes and spaces in the code are ignored."""
    if verification.rate_limit_exceeded(request, channel="api"):
        message, seconds = verification.RATE_LIMITS["api"].refusal(
            _("Too many look-ups from your address.")
        )
        raise TooManyRequests(message, code="throttled", retry_after=seconds)
    result = verification.lookup(code)
    if result is None:
        raise HttpError(404, _("No certificate has this code."))
    status = str(result["status"])
    return {
        "code": verification.code_display(result.get("code") or code),
        "kind": result.get("kind", "personal"),
        "status": status,
        "valid": bool(result.get("is_valid")),
        "holder_name": result.get("holder_name") or "",
        "course": str(result.get("course_title") or ""),
        "issued_on": _day(result.get("issued_on")),
        "expires_on": _day(result.get("expires_on")),
        "revoked_on": _day(result.get("status_changed_at")) if status == "revoked" else None,
    }
