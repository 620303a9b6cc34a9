"""Signal handlers: events in the layers below that can change an organisation's certification.
Each writes the evaluation of the person's organisations to the outbox in the same transaction
(ADR 0019). The chain is pass → certificate → organisation: a pass alone counts for nothing
until its certificate exists, so there is no receiver of lms.course_passed here."""

from .models import CertificationStatusChange

Cause = CertificationStatusChange.Cause


def on_certificate_status_changed(sender, certificate, cause=None, **kwargs) -> None:
    """A personal certificate was issued, expired, revoked or superseded. A reissue after a
    name correction changes nothing that counts."""
    from .services.certification import organisations_evaluate_for_member

    if cause == "reissued":
        return
    organisations_evaluate_for_member(
        user_id=certificate.user_id,
        cause=Cause.MEMBER_PASSED if cause == "issued" else Cause.CERTIFICATE_CHANGED,
    )


def on_user_signed_up(sender, request, user, **kwargs) -> None:
    """Someone signed up after choosing to join on a join page or an invitation page (the view
    kept that in the session): remember it with the account, so the join completes when they
    confirm their address, in this browser or another (ADR 0016)."""
    from accounts.errors import DomainError

    from .models import Invitation, Organisation
    from .services import staff

    context = request.session.get(staff.JOIN_SESSION_KEY) if request is not None else None
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
        staff.join_intent_record(
            user=user,
            organisation=organisation,
            invitation=invitation,
            role=context.get("role"),
            language=context.get("language"),
        )
    except DomainError:
        return
    request.session.pop(staff.JOIN_SESSION_KEY, None)


def on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    """The address is confirmed: complete the joins the person signed up for."""
    from .services.staff import join_intents_complete

    join_intents_complete(user=email_address.user)
