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


def on_user_signed_up(sender, request, user, **kwargs) -> None:
    """Someone signed up after choosing to join on a join page or an invitation page (the view
    kept that in the session): remember it with the account, so the join completes when they
    confirm their address, in this browser or another (ADR 0016)."""
    from . import services
    from .errors import OrganisationError
    from .models import Invitation, Organisation

    context = request.session.get(services.JOIN_SESSION_KEY) if request is not None else None
    if not context:
        return
    invitation = None
    if context.get("invitation_token"):
        invitation = (
            Invitation.objects.select_related("organisation")
            .filter(token=context["invitation_token"])
            .first()
        )
        organisation = invitation.organisation if invitation else None
    else:
        organisation = Organisation.objects.filter(join_token=context.get("join_token")).first()
    if organisation is None:  # the link was replaced meanwhile
        return
    try:
        services.join_intent_record(
            user=user,
            organisation=organisation,
            invitation=invitation,
            role=context.get("role"),
            language=context.get("language"),
        )
    except OrganisationError:
        return
    request.session.pop(services.JOIN_SESSION_KEY, None)


def on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    """The address is confirmed: complete the joins the person signed up for."""
    from . import services

    services.join_intents_complete(user=email_address.user)
