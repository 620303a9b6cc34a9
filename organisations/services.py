"""Everything that changes organisations. Views, the API, tasks and signal handlers call these."""

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts import roles
from accounts.mail import mail_send, may_email, person_language
from accounts.plain_text import MESSAGE as PLAIN_TEXT_MESSAGE
from accounts.plain_text import has_forbidden_characters
from accounts.spreadsheets import spreadsheet_safe
from certificates import rules
from certificates.codes import code_generate, code_normalise
from certificates.services import absolute_url
from outbox.models import OutboxMessage
from outbox.services import outbox_add

from .errors import Conflict, Forbidden, ImportRejected, OrganisationError
from .models import (
    CertificationStatusChange,
    Invitation,
    JoinIntent,
    Location,
    ManagerInvitation,
    Organisation,
    OrganisationCertificate,
    ReminderLog,
    StaffMembership,
    kvk_number_valid,
)
from .selectors import (
    MemberStatus,
    account_deleted,
    certification_counts,
    counting_course_keys,
    counting_course_page,
    course_titles,
    current_memberships,
    default_counting_course_keys,
    email_verified,
    member_display_name,
    organisation_members,
    organisations_to_evaluate,
    staff_count,
)

Status = Organisation.CertificationStatus
Cause = CertificationStatusChange.Cause

#: An organisation certificate is valid this long; then the organisation is evaluated again.
CERTIFICATION_PERIOD_MONTHS = 12
#: A member who has not finished gets at most one reminder in this period.
REMINDER_INTERVAL = timedelta(days=7)
MAX_IMPORT_BYTES = 1_000_000
#: Session key: what a visitor chose to join before signing up or logging in (ADR 0016).
JOIN_SESSION_KEY = "organisations.join"
MAX_IMPORT_ROWS = 5_000
#: What a manager registers and may change (the form's fields, in this order, and the API's).
EDITABLE_FIELDS = (
    "name",
    "kind",
    "address",
    "municipality",
    "region",
    "kvk_number",
    "declared_staff",
    "public_listing",
)


def _validated(organisation: Organisation) -> None:
    try:
        organisation.full_clean(exclude=["managers", "counting_course_keys"])
    except ValidationError as exc:
        fields = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise OrganisationError(first, code="invalid", details={"fields": fields}) from exc


#: Outbox kinds (handlers registered in OrganisationsConfig.ready): written in the transaction
#: that wants the work, dispatched after it commits (ADR 0019).
EVALUATION_WANTED = "organisations.evaluate"
MANAGERS_EMAIL_WANTED = "organisations.managers_email"
INVITATION_WANTED = "organisations.invitation"
MANAGER_INVITATION_WANTED = "organisations.manager_invitation"
REMINDERS_WANTED = "organisations.reminders"


def _evaluate_on_commit(organisation_id: int, cause: str) -> None:
    outbox_add(
        kind=EVALUATION_WANTED, payload={"organisation_id": organisation_id, "cause": str(cause)}
    )


def organisation_evaluate_ensure(*, organisation_id: int, cause: str) -> str | None:
    """Outbox handler: evaluate the organisation now (idempotent: the 60% rule applied again
    to the same counts changes nothing)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return None
    return organisation_evaluate(organisation=organisation, cause=cause).certification_status


def organisations_evaluate_for_member(*, user_id: int, cause: str) -> int:
    """Write the evaluation of every organisation `user_id` currently works for to the outbox
    (in the caller's transaction). Returns how many."""
    organisation_ids = list(
        StaffMembership.objects.filter(user_id=user_id, left_at__isnull=True)
        .order_by()  # the default ordering would leak into DISTINCT
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    for organisation_id in organisation_ids:
        _evaluate_on_commit(organisation_id, cause)
    return len(organisation_ids)


def managers_email_ensure(*, organisation_id: int, template: str) -> int:
    """Outbox handler for managers_email."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    return managers_email(organisation=organisation, template=template) if organisation else 0


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


def invitation_ensure(*, invitation_id: int) -> bool:
    """Outbox handler for a staff invitation's e-mail."""
    return _invitation_send_once(
        Invitation, invitation_id=invitation_id, send=invitation_email_send
    )


def manager_invitation_ensure(*, invitation_id: int) -> bool:
    """Outbox handler for a co-manager invitation's e-mail."""
    return _invitation_send_once(
        ManagerInvitation, invitation_id=invitation_id, send=manager_invitation_email_send
    )


def organisation_reminders_request(*, organisation: Organisation) -> None:
    """A manager asks for reminders to everyone who has not finished (sent by a task)."""
    outbox_add(kind=REMINDERS_WANTED, payload={"organisation_id": organisation.pk})


def organisation_reminders_ensure(*, organisation_id: int) -> int:
    """Outbox handler for organisation_reminders_send (at most one per member per week)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    return organisation_reminders_send(organisation=organisation) if organisation else 0


def organisations_reconcile(*, limit: int = 5000) -> int:
    """Hourly repair: an organisation whose current staff hold a personal certificate that
    changed (issued, expired, revoked) after its last evaluation, and for which no evaluation
    is waiting, is evaluated again. Returns how many were written to the outbox."""
    from certificates.models import Certificate

    member_certificates = Certificate.objects.filter(
        user__staff_memberships__organisation=models.OuterRef("pk"),
        user__staff_memberships__left_at__isnull=True,
    )
    changed_after = member_certificates.filter(
        models.Q(status_changed_at__gt=models.OuterRef("last_evaluated_at"))
        | models.Q(created_at__gt=models.OuterRef("last_evaluated_at"))
    )
    waiting = OutboxMessage.objects.filter(kind=EVALUATION_WANTED, done_at__isnull=True).about(
        "organisation_id", models.OuterRef("pk")
    )
    due = (
        Organisation.objects.filter(
            (models.Q(last_evaluated_at__isnull=True) & models.Exists(member_certificates))
            | models.Exists(changed_after)
        )
        .exclude(models.Exists(waiting))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(due[:limit])
    for organisation_id in ids:
        with transaction.atomic():
            _evaluate_on_commit(organisation_id, Cause.CERTIFICATE_CHANGED)
    return len(ids)


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


def join_url(organisation: Organisation, *, language: str | None = None) -> str:
    """The join link. Without a language it has no language prefix: the join page then follows
    the visitor's browser (ADR 0016); with one it opens in that language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return absolute_url(reverse("organisations:join", args=[organisation.join_token]))


def invitation_url(invitation: Invitation | ManagerInvitation) -> str:
    """The personal link, in the invitation's language."""
    url_name = (
        "organisations:manager_invitation_accept"
        if isinstance(invitation, ManagerInvitation)
        else "organisations:invitation_accept"
    )
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        return absolute_url(reverse(url_name, args=[invitation.token]))


def _page_url(page) -> str:
    url = page.get_url() or "/"
    return absolute_url(url) if url.startswith("/") else url


# --- Registration and details -----------------------------------------------------------------


def organisation_register(
    *,
    user,
    name: str,
    municipality: str,
    kind: str = Organisation.Kind.HOTEL,
    address: str = "",
    region=None,
    kvk_number: str = "",
    declared_staff: int = 0,
    public_listing: bool = False,
) -> Organisation:
    """Register an establishment (free). The person registering must have a verified e-mail
    address; they become its manager and get the organisation manager role."""
    if not email_verified(user=user):
        raise OrganisationError(
            _("Verify your e-mail address before you register an organisation."),
            code="email_not_verified",
            status=403,
        )
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        address=address.strip(),
        municipality=municipality.strip(),
        region=region,
        kvk_number=(kvk_number or "").strip(),
        declared_staff=declared_staff,
        public_listing=public_listing,
        counting_course_keys=[str(key) for key in default_counting_course_keys()],
    )
    _validated(organisation)
    with transaction.atomic():
        organisation.save()
        organisation.managers.add(user)
        user.groups.add(Group.objects.get_or_create(name=roles.ORGANISATION_MANAGER)[0])
    return organisation


def organisation_registration_review(
    *, organisation: Organisation, reviewer, approve: bool, kvk_checked: bool, note: str = ""
) -> Organisation:
    """Programme staff approve or reject a self-registered establishment. Approving needs an
    8-digit KvK number that the reviewer checked in the Chamber of Commerce register; only an
    approved establishment appears in the public list of certified places (ADR 0016)."""
    note = (note or "").strip()[:300]
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if approve:
            if not kvk_number_valid(locked.kvk_number):
                raise OrganisationError(
                    _(
                        "This establishment has no valid KvK number (8 digits). Ask the manager "
                        "to enter it before you approve the registration."
                    ),
                    code="kvk_missing",
                )
            if not kvk_checked:
                raise OrganisationError(
                    _(
                        "Confirm that you checked the KvK number in the Chamber of Commerce register."
                    ),
                    code="kvk_not_checked",
                )
            locked.registration_status = Organisation.RegistrationStatus.APPROVED
        else:
            if not note:
                raise OrganisationError(
                    _("Give the reason for rejecting the registration."), code="reason_missing"
                )
            locked.registration_status = Organisation.RegistrationStatus.REJECTED
        locked.registration_reviewed_at = timezone.now()
        locked.registration_reviewed_by = reviewer
        locked.registration_note = note
        locked.save(
            update_fields=[
                "registration_status",
                "registration_reviewed_at",
                "registration_reviewed_by",
                "registration_note",
            ]
        )
    return locked


def organisation_update(*, organisation: Organisation, data: dict) -> Organisation:
    """Change an organisation's details. The declared staff can never go below the people who
    have joined: they are staff too, and the 60% would otherwise be computed over too few."""
    unknown = set(data).difference(EDITABLE_FIELDS)
    if unknown:
        raise OrganisationError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid",
        )
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        previous_staff = locked.declared_staff
        for field, value in data.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        _validated(locked)
        if locked.declared_staff != previous_staff:
            members = current_memberships(organisation=locked).count()
            if locked.declared_staff < members:
                raise OrganisationError(
                    _(
                        "The number of staff cannot be lower than the %(members)s people who "
                        "have joined. Remove people who no longer work here first."
                    )
                    % {"members": members},
                    code="declared_staff_below_members",
                    details={"members": members, "declared_staff": locked.declared_staff},
                )
            _evaluate_on_commit(locked.pk, Cause.DECLARED_STAFF_CHANGED)
        locked.save()
    return locked


def counting_courses_set(*, organisation: Organisation, course_keys: list) -> Organisation:
    """Choose the courses (each in all its language versions) whose certificates count toward
    the organisation's 60%. The organisation is evaluated again when the choice changed."""
    keys: list[uuid.UUID] = []
    for value in course_keys:
        try:
            key = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        except ValueError as exc:
            raise OrganisationError(
                _("“%(value)s” is not a course key.") % {"value": str(value)[:60]},
                code="invalid_course",
            ) from exc
        if key not in keys:
            keys.append(key)
    if not keys:
        raise OrganisationError(_("Choose at least one course."), code="no_course")
    live = course_titles(language=translation.get_language(), keys=keys)
    unknown = [key for key in keys if str(key) not in live]
    if unknown:
        raise OrganisationError(
            _("There is no published course with key %(keys)s.")
            % {"keys": ", ".join(str(key) for key in unknown)},
            code="invalid_course",
        )
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if sorted(map(str, keys)) == sorted(map(str, counting_course_keys(organisation=locked))):
            return locked
        locked.counting_course_keys = [str(key) for key in keys]
        locked.save(update_fields=["counting_course_keys"])
        _evaluate_on_commit(locked.pk, Cause.COUNTING_COURSES_CHANGED)
    return locked


def join_link_rotate(*, organisation: Organisation) -> Organisation:
    """A new join link: the old link and the QR codes printed with it stop working (for a link
    that was shared beyond the staff). People who already joined stay members."""
    organisation.join_token = Organisation._meta.get_field("join_token").get_default()
    organisation.save(update_fields=["join_token"])
    return organisation


def _invitation_open(model, *, organisation: Organisation, email: str, kind: str, **fields):
    """The open invitation of `model` for `email`, or a new one whose e-mail is written to the
    outbox (kind `kind`) in this transaction. Re-inviting never makes a second open one: the
    database allows one per address, and a concurrent twin is returned instead."""
    open_invitations = model.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True
    )
    with transaction.atomic():
        invitation = open_invitations.first()
        if invitation is not None:
            return invitation
        try:
            with transaction.atomic():
                invitation = model.objects.create(organisation=organisation, email=email, **fields)
        except IntegrityError:
            return open_invitations.get()
        outbox_add(kind=kind, payload={"invitation_id": invitation.pk})
    return invitation


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
    return _invitation_open(
        ManagerInvitation,
        organisation=organisation,
        email=email,
        kind=MANAGER_INVITATION_WANTED,
        language=language,
        invited_by=invited_by,
    )


def manager_invitation_email_send(*, invitation: ManagerInvitation) -> None:
    """Send the co-manager invitation with its personal link."""
    _invitation_email_send(invitation, template="manager_invitation", context={})


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


def location_add(*, organisation: Organisation, name: str, municipality: str, address: str = ""):
    """A further site certified together with the organisation (ADR 0011)."""
    location = Location(
        organisation=organisation,
        name=name.strip(),
        address=address.strip(),
        municipality=municipality.strip(),
    )
    try:
        location.full_clean()
    except ValidationError as exc:
        fields = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise OrganisationError(first, code="invalid", details={"fields": fields}) from exc
    location.save()
    return location


def location_remove(*, location) -> None:
    location.delete()


# --- Staff ------------------------------------------------------------------------------------


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
    _evaluate_on_commit(organisation.pk, Cause.MEMBER_JOINED)
    return membership


def _checked_role(role: str | None) -> str:
    role = role or StaffMembership.Role.OTHER
    if role not in StaffMembership.Role.values:
        raise OrganisationError(_("Unknown role."), code="invalid_role")
    return role


def organisation_join(*, organisation: Organisation, user, role: str | None = None):
    """Join as staff through the organisation's join link (idempotent)."""
    with transaction.atomic():
        return _membership_start(organisation=organisation, user=user, role=_checked_role(role))


def membership_end(*, membership: StaffMembership, now: datetime | None = None) -> StaffMembership:
    """The person no longer works here (kept as history, no longer counted)."""
    if membership.left_at is None:
        membership.left_at = now or timezone.now()
        membership.save(update_fields=["left_at"])
        _evaluate_on_commit(membership.organisation_id, Cause.MEMBER_LEFT)
    return membership


def _normalised_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def staff_invite(
    *,
    organisation: Organisation,
    email: str,
    full_name: str = "",
    role: str | None = None,
    language: str | None = None,
    invited_by=None,
) -> Invitation:
    """Invite someone by e-mail, in `language` (the e-mail and the page it links to). Inviting
    an address with an open invitation returns that one."""
    try:
        email = _normalised_email(email)
    except ValidationError as exc:
        raise OrganisationError(_("Enter a valid e-mail address."), code="invalid_email") from exc
    role = _checked_role(role)
    language = checked_language(language)
    if current_memberships(organisation=organisation).filter(user__email__iexact=email).exists():
        raise Conflict(_("This person already works here."), code="already_member")
    return _invitation_open(
        Invitation,
        organisation=organisation,
        email=email,
        kind=INVITATION_WANTED,
        full_name=full_name.strip()[:150],
        role=role,
        language=language,
        invited_by=invited_by,
    )


def invitation_email_send(*, invitation: Invitation) -> None:
    """Send (or resend) the invitation e-mail with its personal link, in the invitation's
    language; the link opens the invitation page in that language too."""
    course = counting_course_page(
        organisation=invitation.organisation, language=invitation.language
    )
    _invitation_email_send(
        invitation,
        template="invitation",
        context={"course_title": course.title if course else ""},
    )


def invitation_accept(*, invitation: Invitation, user) -> StaffMembership:
    """Accept an invitation: the user becomes a member. A used invitation cannot be reused by
    someone else; accepting twice is harmless."""
    return _invitation_accept(
        Invitation,
        invitation=invitation,
        user=user,
        grant=lambda locked: _membership_start(
            organisation=locked.organisation, user=user, role=locked.role
        ),
    )


# --- Joining through sign-up -----------------------------------------------------------------


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
    None. An invitation someone else used meanwhile is skipped, not an error."""
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
                except Conflict:
                    continue
            else:
                organisation_join(organisation=intent.organisation, user=user, role=intent.role)
            intent.completed_at = timezone.now()
            intent.save(update_fields=["completed_at"])
            latest = intent
    return latest


# --- CSV import and export --------------------------------------------------------------------

#: The CSV columns, in this order, in the template, the import and the export. The headers are
#: written in the manager's language and read in every interface language (ADR 0016).
CSV_COLUMNS = ("name", "email", "role", "language")
EXPORT_COLUMNS = (*CSV_COLUMNS, "joined_at", "status")


#: Each column's header, translated (the same msgids as before: "CSV column" context).
COLUMN_LABELS = {
    "name": pgettext_lazy("CSV column", "name"),
    "email": pgettext_lazy("CSV column", "e-mail address"),
    "role": pgettext_lazy("CSV column", "role"),
    "language": pgettext_lazy("CSV column", "language"),
    "joined_at": pgettext_lazy("CSV column", "joined on"),
    "status": pgettext_lazy("CSV column", "training"),
}


def _column_label(column: str) -> str:
    return str(COLUMN_LABELS[column])


def _aliases(words: dict[str, str], labels: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """What a cell may say for a value (header or role): the `words` managers type themselves,
    each value's code, and its lazy label translated into every interface language; lower case."""
    aliases = dict(words)
    for value, label in labels:
        aliases[value] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                aliases[str(label).strip().lower()] = value
    return aliases


#: Headers people type themselves, besides the translated column names.
HEADER_WORDS = {
    "name": "name",
    "naam": "name",
    "full name": "name",
    "imię i nazwisko": "name",
    "nazwisko": "name",
    "nombre": "name",
    "email": "email",
    "e-mail": "email",
    "e-mailadres": "email",
    "emailadres": "email",
    "email address": "email",
    "e-mail address": "email",
    "adres e-mail": "email",
    "correo": "email",
    "correo electrónico": "email",
    "role": "role",
    "rol": "role",
    "functie": "role",
    "rola": "role",
    "stanowisko": "role",
    "puesto": "role",
    "language": "language",
    "taal": "language",
    "język": "language",
    "idioma": "language",
}


#: Words managers use in their own staff lists, besides the role codes and the role names in
#: every interface language (which come from the translation catalogues).
ROLE_WORDS = {
    "receptie": "reception",
    "front office": "reception",
    "huishouding": "housekeeping",
    "schoonmaak": "housekeeping",
    "technische dienst": "technical",
    "techniek": "technical",
    "onderhoud": "technical",
    "f&b": "food_beverage",
    "horeca": "food_beverage",
    "keuken": "food_beverage",
    "bediening": "food_beverage",
    "food & beverage": "food_beverage",
    "directie": "management",
    "leidinggevende": "management",
    "overig": "other",
    "anders": "other",
    "recepcja": "reception",
    "sprzątanie": "housekeeping",
    "dział techniczny": "technical",
    "gastronomia": "food_beverage",
    "kierownictwo": "management",
    "inne": "other",
    "recepción": "reception",
    "limpieza": "housekeeping",
    "pisos": "housekeeping",
    "servicio técnico": "technical",
    "mantenimiento": "technical",
    "restauración": "food_beverage",
    "alimentos y bebidas": "food_beverage",
    "dirección": "management",
    "otro": "other",
    "otros": "other",
}


def _language_aliases() -> dict[str, str]:
    """A language by its code, its own name or its English name (nl, Nederlands, Dutch)."""
    aliases = {}
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        for word in (code, info["name"], info["name_local"]):
            aliases[word.strip().lower()] = code
    return aliases


def members_csv_template() -> str:
    """The import template in the active language: the headers, then one row per role with only
    the role filled in (rows without a name and an e-mail address are skipped on import)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_column_label(column) for column in CSV_COLUMNS])
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    for _value, label in StaffMembership.Role.choices:
        writer.writerow(["", "", str(label), language])
    return out.getvalue()


@dataclass(frozen=True)
class ImportRow:
    line: int
    name: str
    email: str
    role: str
    language: str = settings.LANGUAGE_CODE


@dataclass(frozen=True)
class ImportResult:
    invited: int
    already_invited: int
    already_member: int

    @property
    def rows(self) -> int:
        return self.invited + self.already_invited + self.already_member


def _rejected(line: int, message: str) -> ImportRejected:
    return ImportRejected(
        _("The file was not imported."), errors=[{"line": line, "errors": [message]}]
    )


def _csv_rows(reader):
    """(line number, cells) from the second row on; a file the csv module cannot read (e.g. an
    unclosed quote at the end) is rejected like any bad file."""
    line = 1
    try:
        for line, cells in enumerate(reader, start=2):
            yield line, cells
    except csv.Error as exc:
        raise _rejected(line + 1, _("The file is not a valid CSV file.")) from exc


def members_csv_parse(*, content: bytes | str, default_language: str = "") -> list[ImportRow]:
    """Read a CSV with the columns name, email, role and language (headers and role names in
    any interface language; comma or semicolon). A row without a language gets
    `default_language`. Any invalid row rejects the whole file with a report of every bad row."""
    default_language = default_language or settings.LANGUAGE_CODE
    if isinstance(content, bytes):
        if len(content) > MAX_IMPORT_BYTES:
            raise _rejected(0, _("The file is larger than 1 MB."))
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _rejected(0, _("Save the file as CSV in UTF-8.")) from exc
    lines = content.splitlines()
    if not lines or not lines[0].strip():
        raise _rejected(1, _("The file is empty."))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    header_aliases = _aliases(
        HEADER_WORDS, [(column, COLUMN_LABELS[column]) for column in CSV_COLUMNS]
    )
    try:
        first = next(reader)
    except csv.Error as exc:
        raise _rejected(1, _("The file is not a valid CSV file.")) from exc
    header = [header_aliases.get(cell.strip().lower(), "") for cell in first]
    if "email" not in header:
        raise _rejected(
            1,
            _("The first row must name the columns: %(columns)s.")
            % {"columns": ", ".join(_column_label(column) for column in CSV_COLUMNS)},
        )
    roles_by_alias = _aliases(ROLE_WORDS, StaffMembership.Role.choices)
    languages_by_alias = _language_aliases()
    rows: list[ImportRow] = []
    errors: list[dict] = []
    seen: dict[str, int] = {}
    for line, cells in _csv_rows(reader):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
            raise _rejected(line, _("A file can have at most 5000 rows."))
        record = {
            column: cell.strip() for column, cell in zip(header, cells, strict=False) if column
        }
        if not record.get("email") and not record.get("name"):
            continue  # a role-only row left over from the template
        problems = []
        email = record.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not a valid e-mail address.") % {"value": email})
        else:
            if email in seen:
                problems.append(
                    _("This e-mail address is also on line %(line)s.") % {"line": seen[email]}
                )
            seen.setdefault(email, line)
        role_text = record.get("role", "")
        role = roles_by_alias.get(role_text.lower()) if role_text else StaffMembership.Role.OTHER
        if role is None:
            problems.append(
                _("Unknown role “%(value)s”; use one of: %(roles)s.")
                % {
                    "value": role_text,
                    "roles": ", ".join(str(label) for label in StaffMembership.Role.labels),
                }
            )
        language_text = record.get("language", "")
        language = (
            languages_by_alias.get(language_text.lower()) if language_text else default_language
        )
        if language is None:
            problems.append(
                _("Unknown language “%(value)s”; use one of: %(languages)s.")
                % {
                    "value": language_text,
                    "languages": ", ".join(code for code, _name in settings.LANGUAGES),
                }
            )
        name = record.get("name", "")
        if len(name) > 150:
            problems.append(_("The name is longer than 150 characters."))
        if has_forbidden_characters(name) or has_forbidden_characters(role_text):
            problems.append(str(PLAIN_TEXT_MESSAGE))
        if problems:
            errors.append({"line": line, "email": email, "errors": problems})
        else:
            rows.append(
                ImportRow(
                    line=line,
                    name=name,
                    email=email,
                    role=role or "other",
                    language=language or default_language,
                )
            )
    if errors:
        raise ImportRejected(_("The file was not imported."), errors=errors)
    if not rows:
        raise _rejected(2, _("The file has no people in it."))
    return rows


def members_import(
    *, organisation: Organisation, content: bytes | str, invited_by, default_language: str = ""
) -> ImportResult:
    """Invite everyone in the CSV, all or nothing, each in the row's language (else
    `default_language`). People who already work here or already have an open invitation are
    skipped, so importing the same file twice creates no duplicates."""
    rows = members_csv_parse(content=content, default_language=default_language)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        members = {
            email.lower()
            for email in current_memberships(organisation=organisation).values_list(
                "user__email", flat=True
            )
        }
        open_invitations = set(
            organisation.invitations.filter(accepted_at__isnull=True).values_list(
                "email", flat=True
            )
        )
        created = Invitation.objects.bulk_create(
            [
                Invitation(
                    organisation=organisation,
                    email=row.email,
                    full_name=row.name,
                    role=row.role,
                    language=row.language,
                    invited_by=invited_by,
                )
                for row in rows
                if row.email not in members and row.email not in open_invitations
            ]
        )
        ids = [
            pk
            for pk in organisation.invitations.filter(
                email__in=[i.email for i in created], accepted_at__isnull=True
            ).values_list("pk", flat=True)
        ]
        for pk in ids:
            outbox_add(kind=INVITATION_WANTED, payload={"invitation_id": pk})
    already_member = sum(1 for row in rows if row.email in members)
    return ImportResult(
        invited=len(created),
        already_invited=len(rows) - len(created) - already_member,
        already_member=already_member,
    )


def csv_cell(value) -> str:
    """A CSV cell as text, never run as a formula."""
    return spreadsheet_safe("" if value is None else str(value))


def members_export_csv(*, organisation: Organisation) -> str:
    """The member list as CSV in the active language: the import's columns and headers, plus
    the date joined and the training status, so the file can be imported again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_column_label(column) for column in EXPORT_COLUMNS])
    for member in organisation_members(organisation=organisation):
        writer.writerow(
            [
                csv_cell(member_display_name(user=member.user)),
                csv_cell("" if account_deleted(user=member.user) else member.user.email),
                csv_cell(member.get_role_display()),
                csv_cell(member.user.preferred_language),
                csv_cell(timezone.localtime(member.joined_at).date().isoformat()),
                csv_cell(member.member_status_label),
            ]
        )
    return out.getvalue()


# --- Certification ----------------------------------------------------------------------------


def _certificate_award(
    *, organisation: Organisation, passed: int, staff: int, now: datetime
) -> OrganisationCertificate:
    last_period = organisation.certificates.aggregate(last=Max("period"))["last"] or 0
    return OrganisationCertificate.objects.create(
        organisation=organisation,
        period=last_period + 1,
        code=code_normalise(code_generate()),
        awarded_at=now,
        valid_until=now + relativedelta(months=CERTIFICATION_PERIOD_MONTHS),
        passed_count=passed,
        staff_count=staff,
    )


def _certificate_end(certificate: OrganisationCertificate, status: str, now: datetime) -> None:
    certificate.status = status
    certificate.status_changed_at = now
    certificate.save(update_fields=["status", "status_changed_at"])


def organisation_evaluate(
    *, organisation: Organisation, cause: str = Cause.MANUAL, now: datetime | None = None
) -> Organisation:
    """Apply the 60% rule to the organisation now and record any status change with its cause.

    Reaching 60% awards an OrganisationCertificate exactly once per period: the organisation row
    is locked for the evaluation (concurrent evaluations queue behind it) and the database allows
    one certificate per period and one valid certificate at a time. Dropping below 60% while
    certified makes the organisation 'at risk' (managers are e-mailed); after the grace period
    (settings.ORGANISATION_GRACE_DAYS) it lapses. At the end of the 12 months the certificate
    expires and a new one is awarded if the organisation still qualifies."""
    now = now or timezone.now()
    grace = timedelta(days=settings.ORGANISATION_GRACE_DAYS)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        counts = certification_counts(organisation=org)
        staff = staff_count(declared_staff=org.declared_staff, members=counts.members)
        qualifies = rules.organisation_qualifies(staff_count=staff, passed_count=counts.passed)
        previous = org.certification_status
        current = org.certificates.filter(status=OrganisationCertificate.Status.VALID).first()
        touched: OrganisationCertificate | None = None
        if current is not None and current.valid_until <= now:
            _certificate_end(current, OrganisationCertificate.Status.EXPIRED, now)
            touched, current, cause = current, None, Cause.PERIOD_ENDED
        if qualifies:
            if current is None:
                current = touched = _certificate_award(
                    organisation=org, passed=counts.passed, staff=staff, now=now
                )
            new_status = Status.CERTIFIED
        elif current is not None:
            if previous != Status.AT_RISK or org.at_risk_since is None:
                new_status = Status.AT_RISK
            elif now >= org.at_risk_since + grace:
                _certificate_end(current, OrganisationCertificate.Status.LAPSED, now)
                touched, cause, new_status = current, Cause.GRACE_ENDED, Status.LAPSED
            else:
                new_status = Status.AT_RISK
        else:
            new_status = Status.NOT_CERTIFIED if previous == Status.NOT_CERTIFIED else Status.LAPSED

        fields = ["certification_status", "at_risk_since", "last_evaluated_at"]
        if new_status == Status.AT_RISK and previous != Status.AT_RISK:
            org.at_risk_since = now
        elif new_status != Status.AT_RISK:
            org.at_risk_since = None
        org.last_evaluated_at = now
        if new_status != previous or touched is not None:
            CertificationStatusChange.objects.create(
                organisation=org,
                from_status=previous,
                to_status=new_status,
                cause=cause,
                passed_count=counts.passed,
                staff_count=staff,
                certificate=touched,
                created_at=now,
            )
            _notify_on_commit(org, previous=previous, new_status=new_status, awarded=touched)
        org.certification_status = new_status
        org.save(update_fields=fields)
    return org


def _notify_on_commit(org: Organisation, *, previous, new_status, awarded) -> None:
    """E-mail the managers about a change that concerns them, from a task after the commit (a
    slow mail server never holds the row lock or fails the evaluation)."""
    if new_status == Status.AT_RISK and previous != Status.AT_RISK:
        template = "at_risk"
    elif new_status == Status.LAPSED and previous != Status.LAPSED:
        template = "lapsed"
    elif (
        awarded is not None
        and awarded.status == OrganisationCertificate.Status.VALID
        and new_status == Status.CERTIFIED
    ):
        template = "certified"
    else:
        return
    outbox_add(
        kind=MANAGERS_EMAIL_WANTED, payload={"organisation_id": org.pk, "template": template}
    )


MANAGER_EMAILS = ("at_risk", "lapsed", "certified")


def managers_email(*, organisation: Organisation, template: str) -> int:
    """E-mail every manager about the organisation's certification (in their language)."""
    if template not in MANAGER_EMAILS:
        raise ValueError(f"unknown manager e-mail {template!r}")
    summary_url = absolute_url(reverse("organisations:dashboard", args=[organisation.pk]))
    counts = certification_counts(organisation=organisation)
    staff = staff_count(declared_staff=organisation.declared_staff, members=counts.members)
    context = {
        "organisation": organisation,
        "dashboard_url": summary_url,
        "passed": counts.passed,
        "staff": staff,
        "needed": rules.passes_needed(staff_count=staff, passed_count=counts.passed),
        "grace_days": settings.ORGANISATION_GRACE_DAYS,
    }
    sent = 0
    for manager in organisation.managers.filter(is_active=True):
        if not may_email(manager):  # the one rule for whom we write to (accounts.mail)
            continue
        mail_send(
            to=manager.email,
            language=person_language(manager),
            template=f"organisations/email/{template}",
            context={**context, "recipient": manager},
        )
        sent += 1
    return sent


def organisations_sweep(*, now: datetime | None = None) -> int:
    """The nightly check: catches what no event announces (the end of a certificate's 12
    months, the end of a grace period, personal certificates that passed their date before
    their expiry was recorded). Every organisation is counted in a few grouped queries; those
    whose state may change are evaluated, each in its own short transaction. Returns how many
    were evaluated."""
    now = now or timezone.now()
    due = organisations_to_evaluate(now=now)
    for organisation_id in due:
        organisation_evaluate(
            organisation=Organisation(pk=organisation_id), cause=Cause.SWEEP, now=now
        )
    return len(due)


# --- Reminders --------------------------------------------------------------------------------


def organisation_reminders_send(*, organisation: Organisation, now: datetime | None = None) -> int:
    """E-mail members who have not passed yet, at most once per member per 7 days."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        # one reminder run per organisation at a time, so two clicks never send twice
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        recent = set(
            ReminderLog.objects.filter(
                membership__organisation=organisation, sent_at__gt=now - REMINDER_INTERVAL
            ).values_list("membership_id", flat=True)
        )
        for member in organisation_members(organisation=organisation):
            if member.member_status == MemberStatus.PASSED or member.pk in recent:
                continue
            ReminderLog.objects.create(membership=member, sent_at=now)
            language = person_language(member.user)
            course = counting_course_page(organisation=organisation, language=language)
            mail_send(
                to=member.user.email,
                language=language,
                template="organisations/email/reminder",
                context={
                    "organisation": organisation,
                    "member": member,
                    "learning_url": _page_url(course) if course else absolute_url("/"),
                },
            )
            sent += 1
    return sent
