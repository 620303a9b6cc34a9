"""Registering an establishment and its details: review by programme staff, the editable
details, the courses that count, further locations and the join link."""

import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import roles
from certificates.services import absolute_url

from ..errors import OrganisationError
from ..models import CertificationStatusChange, Location, Organisation, kvk_number_valid
from ..selectors import (
    counting_course_keys,
    course_titles,
    current_memberships,
    default_counting_course_keys,
    email_verified,
)
from .certification import organisation_evaluation_request

Cause = CertificationStatusChange.Cause


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


def _validated(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> None:
    """The model's own validation as an OrganisationError: the first message, and every
    field's messages under `fields` (the API answers them as they are)."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        fields = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise OrganisationError(first, code="invalid", details={"fields": fields}) from exc


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
    _validated(organisation, exclude=("managers", "counting_course_keys"))
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
        _validated(locked, exclude=("managers", "counting_course_keys"))
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
            organisation_evaluation_request(
                organisation_id=locked.pk, cause=Cause.DECLARED_STAFF_CHANGED
            )
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
        organisation_evaluation_request(
            organisation_id=locked.pk, cause=Cause.COUNTING_COURSES_CHANGED
        )
    return locked


def location_add(*, organisation: Organisation, name: str, municipality: str, address: str = ""):
    """A further site certified together with the organisation (ADR 0011)."""
    location = Location(
        organisation=organisation,
        name=name.strip(),
        address=address.strip(),
        municipality=municipality.strip(),
    )
    _validated(location)
    location.save()
    return location


def location_remove(*, location) -> None:
    location.delete()


def join_url(organisation: Organisation, *, language: str | None = None) -> str:
    """The join link. Without a language it has no language prefix: the join page then follows
    the visitor's browser (ADR 0016); with one it opens in that language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return absolute_url(reverse("organisations:join", args=[organisation.join_token]))


def join_link_rotate(*, organisation: Organisation) -> Organisation:
    """A new join link: the old link and the QR codes printed with it stop working (for a link
    that was shared beyond the staff). People who already joined stay members."""
    organisation.join_token = Organisation._meta.get_field("join_token").get_default()
    organisation.save(update_fields=["join_token"])
    return organisation
