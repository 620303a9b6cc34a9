"""The people of an organisation: memberships (joining by link, leaving), staff invitations,
co-managers and their invitations, and the joins that complete once a new account's address is
confirmed (ADR 0016)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import roles
from accounts.errors import Conflict, Forbidden
from accounts.mail import mail_send
from certificates.services import absolute_url
from outbox.selectors import messages_about
from outbox.services import outbox_add

from ..errors import OrganisationError
from ..models import (
    CertificationStatusChange,
    Invitation,
    JoinIntent,
    ManagerInvitation,
    Organisation,
    StaffMembership,
)
from ..selectors import (
    address_verified,
    counting_course_page,
    current_memberships,
    email_verified,
)
from .certification import organisation_evaluation_request

Cause = CertificationStatusChange.Cause

#: Outbox kinds of the invitation e-mails (handlers registered in OrganisationsConfig.ready):
#: written in the transaction that invites, sent after it commits (ADR 0019).
INVITATION_WANTED = "organisations.invitation"
MANAGER_INVITATION_WANTED = "organisations.manager_invitation"
INVITATION_RESEND_WANTED = "organisations.invitation_resend"


#: Session key: what a visitor chose to join before signing up or logging in (ADR 0016).
JOIN_SESSION_KEY = "organisations.join"


def checked_language(language: str | None) -> str:
    """One of the site's languages (settings.LANGUAGES); empty means the default language."""
    language = (language or settings.LANGUAGE_CODE).strip().lower()
    if language not in dict(settings.LANGUAGES):
        raise OrganisationError(
            _("Unknown language “%(value)s”; use one of: %(languages)s.")
            % {
                "value": language[:20],
                "languages": ", ".join(code for code, _name in settings.LANGUAGES),
            },
            code="invalid_language",
        )
    return language


def _checked_role(role: str | None) -> str:
    role = role or StaffMembership.Role.OTHER
    if role not in StaffMembership.Role.values:
        raise OrganisationError(_("Unknown role."), code="invalid_role")
    return role


def _normalised_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def _membership_start(*, organisation: Organisation, user, role: str) -> StaffMembership:
    existing = current_memberships(organisation=organisation).filter(user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            membership = StaffMembership.objects.create(
                organisation=organisation, user=user, role=role, joined_at=timezone.now()
            )
    except IntegrityError:  # a concurrent join of the same person won
        return current_memberships(organisation=organisation).get(user=user)
    # An open invitation for someone who now works here (joined by another link) is done.
    Invitation.objects.filter(
        organisation=organisation, email__iexact=user.email, accepted_at__isnull=True
    ).update(accepted_at=membership.joined_at, accepted_by=user)
    organisation_evaluation_request(organisation_id=organisation.pk, cause=Cause.MEMBER_JOINED)
    return membership


def organisation_join(*, organisation: Organisation, user, role: str | None = None):
    """Join as staff through the organisation's join link (idempotent)."""
    with transaction.atomic():
        return _membership_start(organisation=organisation, user=user, role=_checked_role(role))


def membership_end(*, membership: StaffMembership, now: datetime | None = None) -> StaffMembership:
    """The person no longer works here (kept as history, no longer counted)."""
    if membership.left_at is None:
        membership.left_at = now or timezone.now()
        membership.save(update_fields=["left_at"])
        organisation_evaluation_request(
            organisation_id=membership.organisation_id, cause=Cause.MEMBER_LEFT
        )
    return membership


def _invitation_open(
    model, *, organisation: Organisation, email: str, kind: str, **fields
) -> tuple[Invitation | ManagerInvitation, bool]:
    """The open invitation of `model` for `email` (and False), or a new one (and True) whose
    e-mail is written to the outbox (kind `kind`) in this transaction. Never a second open one:
    the database allows one per address, and a concurrent twin is returned instead."""
    open_invitations = model.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True
    )
    with transaction.atomic():
        invitation = open_invitations.first()
        if invitation is not None:
            return invitation, False
        try:
            with transaction.atomic():
                invitation = model.objects.create(organisation=organisation, email=email, **fields)
        except IntegrityError:
            return open_invitations.get(), False
        outbox_add(kind=kind, payload={"invitation_id": invitation.pk})
    return invitation, True


def invitation_url(invitation: Invitation | ManagerInvitation) -> str:
    """The personal link, in the invitation's language."""
    url_name = (
        "organisations:manager_invitation_accept"
        if isinstance(invitation, ManagerInvitation)
        else "organisations:invitation_accept"
    )
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        return absolute_url(reverse(url_name, args=[invitation.token]))


def _invitation_email_send(
    invitation: Invitation | ManagerInvitation, *, template: str, context: dict
) -> None:
    """Send an invitation's e-mail with its personal link, in the invitation's language."""
    if invitation.accepted:
        return
    mail_send(
        to=invitation.email,
        language=invitation.language,
        template=f"organisations/email/{template}",
        context={
            "invitation": invitation,
            "organisation": invitation.organisation,
            "accept_url": invitation_url(invitation),
            **context,
        },
    )
    type(invitation).objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


def _invitation_send_once(model, *, invitation_id: int, send) -> bool:
    """Outbox handler body: the invitation e-mail is sent once (sent_at), unless accepted since."""
    invitation = (
        model.objects.select_related("organisation")
        .filter(pk=invitation_id, accepted_at__isnull=True, sent_at__isnull=True)
        .first()
    )
    if invitation is None:
        return False
    send(invitation=invitation)
    return True


def _invitation_accept(model, *, invitation: Invitation | ManagerInvitation, user, grant):
    """Accept once: `grant(locked invitation)` gives what it invites to; the invitation records
    who accepted. Someone else cannot reuse it; accepting twice is harmless. Returns what
    `grant` returns."""
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted and locked.accepted_by_id != user.pk:
            raise Conflict(_("This invitation has already been used."), code="invitation_used")
        granted = grant(locked)
        if not locked.accepted:
            locked.accepted_at = timezone.now()
            locked.accepted_by = user
            locked.save(update_fields=["accepted_at", "accepted_by"])
    return granted


def staff_invite(
    *,
    organisation: Organisation,
    email: str,
    full_name: str = "",
    role: str | None = None,
    language: str | None = None,
    invited_by=None,
) -> Invitation:
    """Invite someone by e-mail, in `language` (the e-mail and the page it links to). An
    address with an open invitation is refused (`already_invited`, with when it was sent): the
    manager resends or withdraws that one instead, so nothing typed is silently dropped."""
    try:
        email = _normalised_email(email)
    except ValidationError as exc:
        raise OrganisationError(_("Enter a valid e-mail address."), code="invalid_email") from exc
    role = _checked_role(role)
    language = checked_language(language)
    if current_memberships(organisation=organisation).filter(user__email__iexact=email).exists():
        raise Conflict(_("This person already works here."), code="already_member")
    invitation, created = _invitation_open(
        Invitation,
        organisation=organisation,
        email=email,
        kind=INVITATION_WANTED,
        full_name=full_name.strip()[:150],
        role=role,
        language=language,
        invited_by=invited_by,
    )
    if not created:
        raise Conflict(
            _("%(email)s already has an open invitation (sent %(date)s).")
            % {"email": email, "date": _moment(invitation.sent_at or invitation.created_at)},
            code="already_invited",
            details={"invitation_id": invitation.pk},
        )
    assert isinstance(invitation, Invitation)
    return invitation


def _moment(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


#: A manager resends an invitation at most once in this period (the mail may just be slow).
RESEND_INTERVAL = timedelta(minutes=5)


def invitation_resend(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    """Send an open invitation's e-mail again, with the same personal link (through the outbox,
    after the commit). Refused when it was accepted, or when it was created, sent or resent less
    than RESEND_INTERVAL ago."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None or locked.accepted:
            raise Conflict(_("This invitation is no longer open."), code="invitation_closed")
        requested = (
            messages_about(kind=INVITATION_RESEND_WANTED, key="invitation_id", value=locked.pk)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        last = max(filter(None, (locked.sent_at or locked.created_at, requested)))
        if last > now - RESEND_INTERVAL:
            raise Conflict(
                _(
                    "The invitation to %(email)s was sent at %(date)s. Wait a few minutes "
                    "before sending it again, and ask the person to check their spam folder."
                )
                % {"email": locked.email, "date": _moment(last)},
                code="resent_recently",
            )
        message = outbox_add(
            kind=INVITATION_RESEND_WANTED,
            payload={"invitation_id": locked.pk, "requested_at": now.isoformat()},
        )
        # the request's moment, for the interval (a test or a task may pass `now`)
        type(message).objects.filter(pk=message.pk).update(created_at=now)
    return locked


def invitation_resend_ensure(*, invitation_id: int, requested_at: str) -> bool:
    """Outbox handler for a resend: sends the e-mail unless the invitation was accepted or
    withdrawn, or an e-mail went out since the request (so a repeated run sends nothing)."""
    requested = datetime.fromisoformat(requested_at)
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .filter(Q(sent_at__isnull=True) | Q(sent_at__lt=requested))
        .first()
    )
    if invitation is None:
        return False
    invitation_email_send(invitation=invitation)
    return True


def invitation_withdraw(*, invitation: Invitation) -> None:
    """The manager withdraws an open invitation: it is deleted, so its link no longer works
    (and the address can be invited again). An accepted invitation cannot be withdrawn."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None:
            return
        if locked.accepted:
            raise Conflict(
                _("This invitation has already been accepted."), code="invitation_accepted"
            )
        locked.delete()


def invitation_email_send(*, invitation: Invitation) -> None:
    """Send (or resend) the invitation e-mail with its personal link, in the invitation's
    language; the link opens the invitation page in that language too."""
    course = counting_course_page(
        organisation=invitation.organisation, language=invitation.language
    )
    _invitation_email_send(
        invitation,
        template="invitation",
        context={
            # the title of the course version the link leads to, never a generic name
            "course_title": course.title if course else "",
            "course_minutes": getattr(course, "estimated_minutes", None) or 0,
        },
    )


def invitation_ensure(*, invitation_id: int) -> bool:
    """Outbox handler for a staff invitation's e-mail."""
    return _invitation_send_once(
        Invitation, invitation_id=invitation_id, send=invitation_email_send
    )


def invitation_for_user_check(*, invitation: Invitation, user) -> None:
    """A personal invitation is only for the account with the invited, verified address:
    anyone else (another manager, a colleague with the forwarded link) is refused."""
    if address_verified(user=user, email=invitation.email):
        return
    if (user.email or "").lower() == invitation.email.lower():
        raise Forbidden(
            _("Verify your e-mail address first (see the e-mail we sent you)."),
            code="email_unverified",
        )
    raise Forbidden(
        _(
            "This invitation is for another e-mail address. Log out and open the link again, "
            "or ask your manager for an invitation to your own address."
        ),
        code="wrong_account",
    )


def invitation_accept(*, invitation: Invitation, user) -> StaffMembership:
    """Accept an invitation: the user becomes a member. Only the account with the invited,
    verified address may accept; a used invitation cannot be reused by someone else;
    accepting twice is harmless."""
    invitation_for_user_check(invitation=invitation, user=user)
    return _invitation_accept(
        Invitation,
        invitation=invitation,
        user=user,
        grant=lambda locked: _membership_start(
            organisation=locked.organisation, user=user, role=locked.role
        ),
    )


def manager_invite(
    *, organisation: Organisation, email: str, language: str | None = None, invited_by=None
) -> ManagerInvitation | None:
    """Invite someone to become a co-manager: an e-mail in `language` with a personal link. The
    outcome is the same whether or not the address has an account (no enumeration): the person
    becomes a manager only by accepting, signed in with that address
    (`manager_invitation_accept`). Inviting an address with an open invitation returns that
    one; an address that already manages the organisation gets nothing (None)."""
    try:
        email = _normalised_email(email)
    except ValidationError as exc:
        raise OrganisationError(_("Enter a valid e-mail address."), code="invalid_email") from exc
    language = checked_language(language)
    if organisation.managers.filter(email__iexact=email).exists():
        return None
    invitation, _created = _invitation_open(
        ManagerInvitation,
        organisation=organisation,
        email=email,
        kind=MANAGER_INVITATION_WANTED,
        language=language,
        invited_by=invited_by,
    )
    assert isinstance(invitation, ManagerInvitation)
    return invitation


def manager_invitation_email_send(*, invitation: ManagerInvitation) -> None:
    """Send the co-manager invitation with its personal link."""
    _invitation_email_send(invitation, template="manager_invitation", context={})


def manager_invitation_ensure(*, invitation_id: int) -> bool:
    """Outbox handler for a co-manager invitation's e-mail."""
    return _invitation_send_once(
        ManagerInvitation, invitation_id=invitation_id, send=manager_invitation_email_send
    )


def manager_invitation_accept(*, invitation: ManagerInvitation, user) -> None:
    """The invited person accepts and becomes a manager. Only the account with the invited,
    verified address may accept; accepting twice is harmless."""
    if (user.email or "").lower() != invitation.email.lower():
        raise Forbidden(
            _(
                "This invitation is for another e-mail address. Log in with the address the "
                "invitation was sent to, or create an account with it."
            ),
            code="wrong_account",
        )
    if not email_verified(user=user):
        raise Forbidden(
            _("Verify your e-mail address first (see the e-mail we sent you)."),
            code="email_unverified",
        )

    def grant(locked: ManagerInvitation) -> None:
        locked.organisation.managers.add(user)
        user.groups.add(Group.objects.get_or_create(name=roles.ORGANISATION_MANAGER)[0])

    _invitation_accept(ManagerInvitation, invitation=invitation, user=user, grant=grant)


def manager_remove(*, organisation: Organisation, user) -> None:
    """Remove a manager; an organisation always keeps at least one."""
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not organisation.managers.filter(pk=user.pk).exists():
            return
        if organisation.managers.count() == 1:
            raise Conflict(_("An organisation needs at least one manager."), code="last_manager")
        organisation.managers.remove(user)


def join_intent_record(
    *,
    user,
    organisation: Organisation,
    invitation: Invitation | None = None,
    role: str | None = None,
    language: str | None = None,
) -> JoinIntent:
    """Remember that `user` signed up from a join link or an invitation, so the join completes
    when they confirm their e-mail address, in whichever browser they open the link."""
    return JoinIntent.objects.create(
        user=user,
        organisation=organisation,
        invitation=invitation,
        role=_checked_role(role or (invitation.role if invitation else None)),
        language=checked_language(language),
    )


def join_intents_complete(*, user) -> JoinIntent | None:
    """The person confirmed their e-mail address: every open join intent of theirs becomes a
    membership (an invitation is accepted). Returns the latest one (where they go next), or
    None. An invitation someone else used meanwhile, or one sent to another address than the
    one this account confirmed, is skipped, not an error."""
    latest = None
    with transaction.atomic():
        intents = list(
            JoinIntent.objects.select_for_update(of=("self",))
            .filter(user=user, completed_at__isnull=True)
            .select_related("organisation", "invitation")
            .order_by("created_at", "pk")
        )
        for intent in intents:
            if intent.invitation is not None:
                try:
                    invitation_accept(invitation=intent.invitation, user=user)
                except (Conflict, Forbidden):
                    continue
            else:
                organisation_join(organisation=intent.organisation, user=user, role=intent.role)
            intent.completed_at = timezone.now()
            intent.save(update_fields=["completed_at"])
            latest = intent
    return latest
