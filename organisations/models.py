"""Organisations (hotels, holiday parks), their staff and managers, and the organisation
certificate they earn when 60% of the staff hold a valid personal certificate (ADR 0011)."""

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import language_choices

from . import rules

kvk_validator = RegexValidator(
    r"^[0-9]{8}$", _("A KvK number has exactly 8 digits."), code="invalid_kvk"
)


def kvk_number_valid(value: str) -> bool:
    """A KvK (Chamber of Commerce) number is exactly 8 digits."""
    return bool(value) and len(value) == 8 and value.isascii() and value.isdigit()


def _token() -> str:
    return secrets.token_urlsafe(32)


class Organisation(models.Model):
    """The certified unit: one establishment, or several locations certified together."""

    class Kind(models.TextChoices):
        HOTEL = "hotel", _("hotel")
        HOLIDAY_PARK = "vakantiepark", _("holiday park")
        OTHER = "other", _("other")

    class RegistrationStatus(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    class CertificationStatus(models.TextChoices):
        # the values are the certification rule's (organisations/rules.py)
        NOT_CERTIFIED = rules.Status.NOT_CERTIFIED.value, _("not certified")
        CERTIFIED = rules.Status.CERTIFIED.value, _("certified")
        AT_RISK = rules.Status.AT_RISK.value, _("at risk")
        LAPSED = rules.Status.LAPSED.value, _("lapsed")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOTEL)
    address = models.CharField(_("address"), max_length=250, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[kvk_validator]
    )
    declared_staff = models.PositiveIntegerField(
        _("number of staff"),
        default=0,
        help_text=_("Everyone who works here, including staff who have not joined yet."),
    )
    counting_course_keys = models.JSONField(
        _("courses that count"),
        default=list,
        blank=True,
        help_text=_("Translation keys of the courses that count; empty means the hotel course."),
    )
    public_listing = models.BooleanField(
        _("show in the public list of certified establishments"), default=False
    )
    registration_status = models.CharField(
        _("registration"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
        db_index=True,
        help_text=_(
            "Programme staff approve a self-registered establishment after checking its KvK "
            "number; only approved establishments appear in the public list."
        ),
    )
    registration_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    registration_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    registration_note = models.CharField(_("reason"), max_length=300, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_organisations",
        verbose_name=_("managers"),
        blank=True,
    )
    join_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    certification_status = models.CharField(
        _("certification status"),
        max_length=20,
        choices=CertificationStatus.choices,
        default=CertificationStatus.NOT_CERTIFIED,
        db_index=True,
    )
    at_risk_since = models.DateTimeField(null=True, blank=True, editable=False)
    last_evaluated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("change_counting_courses", _("Can choose the courses that count for certification")),
            ("review_registration", _("Can approve or reject an establishment's registration")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kvk_number="") | Q(kvk_number__regex=r"^[0-9]{8}$"),
                name="organisation_kvk_8_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A further address of an organisation that is certified together with it (ADR 0011)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=250, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class StaffMembership(models.Model):
    """A person working for an organisation. A person can work for several organisations."""

    class Role(models.TextChoices):
        RECEPTION = "reception", _("reception")
        HOUSEKEEPING = "housekeeping", _("housekeeping")
        TECHNICAL = "technical", _("technical")
        FOOD_BEVERAGE = "food_beverage", _("food & beverage")
        MANAGEMENT = "management", _("management")
        OTHER = "other", _("other")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OTHER)
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    if TYPE_CHECKING:
        # Set only on the rows of selectors.organisation_members (worked out from its query
        # annotations); not columns.
        member_status: str
        member_status_label: str
        display_name: str
        account_deleted: bool

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(left_at__isnull=True),
                name="one_current_membership",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "left_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.organisation_id}"


class InvitationBase(models.Model):
    """What every invitation has: a personal link sent by e-mail in a chosen language, sent
    once (`sent_at`) and accepted once (`accepted_at`, `accepted_by`). Staff invitations and
    co-manager invitations share it, and the send-once and accept-once steps in services/staff.py."""

    email = models.EmailField(_("e-mail address"))
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=language_choices,  # a callable: adding a language needs no migration
        default=settings.LANGUAGE_CODE,
        help_text=_("The invitation e-mail and the page it links to are in this language."),
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


class Invitation(InvitationBase):
    """An e-mail invitation to join an organisation as staff."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=StaffMembership.Role.choices,
        default=StaffMembership.Role.OTHER,
    )

    class Meta(InvitationBase.Meta):
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # re-inviting (or re-importing) the same address never makes a second open invitation
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} to {self.organisation_id}"


class ManagerInvitation(InvitationBase):
    """An invitation to become a co-manager. The person becomes a manager only by accepting it,
    signed in with the invited address (ADR 0018): no one is made a manager without consent, and
    inviting says nothing about whether the address has an account."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="manager_invitations"
    )

    class Meta(InvitationBase.Meta):
        verbose_name = _("manager invitation")
        verbose_name_plural = _("manager invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_manager_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"manager invitation {self.pk} to {self.organisation_id}"


class JoinIntent(models.Model):
    """Someone who signed up from a join link or an invitation: once they confirm their e-mail
    address (in any browser) they join, and they are sent on to the course (ADR 0016)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_intents"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_intents"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=20, choices=StaffMembership.Role.choices, default="other")
    language = models.CharField(max_length=5, choices=language_choices, default="nl")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"join intent {self.pk} of {self.user_id} for {self.organisation_id}"


class OrganisationCertificate(models.Model):
    """The organisation's certificate for one certification period (12 months)."""

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        EXPIRED = rules.CertificateEnd.EXPIRED.value, _("expired")
        LAPSED = rules.CertificateEnd.LAPSED.value, _("lapsed")
        REVOKED = "revoked", _("revoked")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="certificates"
    )
    period = models.PositiveIntegerField(help_text="1 for the first certification, then 2, ...")
    code = models.CharField(max_length=64, unique=True, editable=False)
    awarded_at = models.DateTimeField()
    valid_until = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VALID)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    passed_count = models.PositiveIntegerField()
    staff_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-awarded_at"]
        verbose_name = _("organisation certificate")
        verbose_name_plural = _("organisation certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="one_certificate_per_period"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="valid"),
                name="one_valid_organisation_certificate",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("awarded_at")),
                name="organisation_certificate_valid_after_award",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.period})"


class CertificationStatusChange(models.Model):
    """History: every change of an organisation's certification status and why."""

    class Cause(models.TextChoices):
        MEMBER_PASSED = "member_passed", _("a member passed")
        MEMBER_JOINED = "member_joined", _("a member joined")
        MEMBER_LEFT = "member_left", _("a member left")
        CERTIFICATE_CHANGED = "certificate_changed", _("a member's certificate changed")
        DECLARED_STAFF_CHANGED = "declared_staff_changed", _("the number of staff changed")
        COUNTING_COURSES_CHANGED = "counting_courses_changed", _("the courses that count changed")
        PERIOD_ENDED = rules.Cause.PERIOD_ENDED.value, _("the certification period ended")
        GRACE_ENDED = rules.Cause.GRACE_ENDED.value, _("the grace period ended")
        SWEEP = "sweep", _("nightly check")
        MANUAL = "manual", _("manual check")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Organisation.CertificationStatus.choices)
    to_status = models.CharField(max_length=20, choices=Organisation.CertificationStatus.choices)
    cause = models.CharField(max_length=30, choices=Cause.choices)
    passed_count = models.PositiveIntegerField()
    staff_count = models.PositiveIntegerField()
    certificate = models.ForeignKey(
        OrganisationCertificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certification status change")
        verbose_name_plural = _("certification status changes")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.from_status} → {self.to_status}"


class ReminderLog(models.Model):
    """A reminder e-mail sent to a member who has not finished (at most one per 7 days)."""

    membership = models.ForeignKey(
        StaffMembership, on_delete=models.CASCADE, related_name="reminders"
    )
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"reminder to {self.membership_id} at {self.sent_at:%Y-%m-%d}"
