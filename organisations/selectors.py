"""Read queries over organisations: visibility, the certification figures, member statuses."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.errors import Forbidden, NotFound
from certificates import rules
from certificates.codes import code_display
from certificates.models import Certificate
from courses.models import CoursePage
from lms.models import Enrolment
from outbox.selectors import messages_about

from .models import (
    CertificationStatusChange,
    Invitation,
    JoinIntent,
    Location,
    Organisation,
    OrganisationCertificate,
    StaffMembership,
)
from .rules import CertificationFacts, certification_transition

#: The slug every language version of the hotel staff course has (courses/content/hotel*.yaml).
HOTEL_COURSE_SLUG = "hotelpersoneel-herken-seksuele-uitbuiting"
PROGRAMME_PERMISSION = "accounts.view_programme_reports"
#: How long after joining through sign-up the e-mail confirmation still leads to the course.
JOIN_DESTINATION_WINDOW = timedelta(days=1)
#: Programme staff (and site admins) choose which courses count for an organisation's
#: certification; a manager cannot, or they could pick an easier course.
COUNTING_COURSES_PERMISSION = "organisations.change_counting_courses"


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    """Programme staff see every organisation; a manager only the ones they manage."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.has_perm(PROGRAMME_PERMISSION):
        return Organisation.objects.all()
    return Organisation.objects.filter(managers=user)


def email_verified(*, user) -> bool:
    """Registering an organisation needs a verified e-mail address (allauth)."""
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def address_verified(*, user, email: str) -> bool:
    """`user` holds `email` (any case) as a verified address: only they may accept a personal
    invitation sent to it."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def user_manages(*, user, organisation: Organisation) -> bool:
    """Managers (and site admins) change an organisation; programme staff only look."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or organisation.managers.filter(pk=user.pk).exists()


REVIEW_PERMISSION = "organisations.review_registration"


def user_reviews_registrations(*, user) -> bool:
    """Programme staff (and site admins) approve or reject self-registered establishments."""
    return bool(user.is_authenticated and user.has_perm(REVIEW_PERMISSION))


def registrations_to_review() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        registration_status=Organisation.RegistrationStatus.PENDING
    ).order_by("created_at")


def user_chooses_courses(*, user) -> bool:
    """Programme staff (and site admins) choose the courses that count for certification."""
    return user.has_perm(COUNTING_COURSES_PERMISSION)


def organisation_for_user(
    *, user, organisation_id, manage: bool = False, choose_courses: bool = False
) -> Organisation:
    """One organisation the user may see (or, with `manage`, change; with `choose_courses`,
    choose its counting courses). An organisation the user may not see is 'not found' (ids are
    not confirmed); one they may only see is 'forbidden'."""
    try:
        organisation = organisations_visible_to(user=user).get(pk=int(organisation_id))
    except (Organisation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Organisation not found.")) from exc
    if manage and not user_manages(user=user, organisation=organisation):
        raise Forbidden(_("Only the managers of this organisation can change it."))
    if choose_courses and not user_chooses_courses(user=user):
        raise Forbidden(_("Only programme staff choose the courses that count."))
    return organisation


def default_counting_course_keys() -> list[uuid.UUID]:
    """The hotel staff course (every language version shares one translation key)."""
    key = (
        CoursePage.objects.filter(slug=HOTEL_COURSE_SLUG)
        .values_list("translation_key", flat=True)
        .first()
    )
    return [key] if key else []


def counting_course_keys(*, organisation: Organisation) -> list[uuid.UUID]:
    if organisation.counting_course_keys:
        return [uuid.UUID(str(key)) for key in organisation.counting_course_keys]
    return default_counting_course_keys()


def course_titles(*, language: str, keys: list[uuid.UUID] | None = None) -> dict[str, str]:
    """The title of each live course (of `keys` only, when given) by its translation key, which
    all its language versions share: the title in `language`, else in the default language,
    else in any."""
    pages = CoursePage.objects.live()
    if keys is not None:
        pages = pages.filter(translation_key__in=keys)
    by_key: dict[str, dict[str, str]] = {}
    for key, title, lang in pages.values_list("translation_key", "title", "locale__language_code"):
        by_key.setdefault(str(key), {})[lang] = title
    return {
        key: titles.get(language)
        or titles.get(settings.LANGUAGE_CODE)
        or next(iter(titles.values()))
        for key, titles in by_key.items()
    }


def course_choices(*, language: str) -> list[tuple[str, str]]:
    """(translation key, title) of every live course, by title."""
    titles = course_titles(language=language)
    return sorted(titles.items(), key=lambda choice: choice[1].casefold())


def counting_course_page(*, organisation: Organisation, language: str) -> CoursePage | None:
    """The live counting course in `language`, else in the default language, else in any (for
    links in e-mails and where a new member lands)."""
    keys = counting_course_keys(organisation=organisation)
    pages = CoursePage.objects.live().filter(translation_key__in=keys).order_by("pk")
    return (
        pages.filter(locale__language_code=language).first()
        or pages.filter(locale__language_code=settings.LANGUAGE_CODE).first()
        or pages.first()
    )


def current_memberships(*, organisation: Organisation) -> QuerySet[StaffMembership]:
    return StaffMembership.objects.filter(organisation=organisation, left_at__isnull=True)


def open_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations still waiting for an answer; not one for someone who already works here
    (they joined by another link)."""
    return Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True).exclude(
        Exists(
            current_memberships(organisation=organisation).filter(
                user__email__iexact=OuterRef("email")
            )
        )
    )


def organisations_with_kvk_number(*, organisation: Organisation) -> QuerySet[Organisation]:
    """Other organisations registered with the same KvK number (programme staff are warned
    before they approve; a chain may legitimately share one)."""
    if not organisation.kvk_number:
        return Organisation.objects.none()
    return Organisation.objects.filter(kvk_number=organisation.kvk_number).exclude(
        pk=organisation.pk
    )


def _valid_certificate_exists(keys: list[uuid.UUID]) -> Exists:
    return Exists(
        Certificate.objects.currently_valid().filter(
            user_id=OuterRef("user_id"), course_key__in=keys
        )
    )


@dataclass(frozen=True)
class CertificationCounts:
    members: int
    passed: int


def certification_counts(*, organisation: Organisation) -> CertificationCounts:
    """Current members and how many of them hold a valid certificate for a counting course, in
    ONE aggregate query (no Python loop over members)."""
    keys = counting_course_keys(organisation=organisation)
    result = current_memberships(organisation=organisation).aggregate(
        members=Count("pk"),
        passed=Count("pk", filter=Q(_valid_certificate_exists(keys))),
    )
    return CertificationCounts(members=result["members"], passed=result["passed"])


def organisations_to_evaluate(*, now: datetime) -> list[int]:
    """Ids of the organisations whose certification changes now, for the nightly sweep.

    The members and passed counts of every organisation come from one grouped query per set of
    counting courses (usually one set); the certification rule (rules.certification_transition)
    is asked what these facts lead to, and an organisation for which it changes nothing is left
    alone. `organisation_evaluate` reads the facts again under the row lock and applies the same
    rule, so this only saves work and never decides anything itself."""
    valid_certificate = OrganisationCertificate.objects.filter(
        organisation=OuterRef("pk"), status=OrganisationCertificate.Status.VALID
    )
    organisations = list(
        Organisation.objects.annotate(
            valid_until=Subquery(valid_certificate.values("valid_until")[:1])
        ).values(
            "pk",
            "declared_staff",
            "certification_status",
            "counting_course_keys",
            "valid_until",
            "at_risk_since",
        )
    )
    default_keys = default_counting_course_keys()
    by_keys: dict[tuple[str, ...], list[int]] = {}
    for row in organisations:
        keys = tuple(sorted(str(k) for k in (row["counting_course_keys"] or default_keys)))
        by_keys.setdefault(keys, []).append(row["pk"])
    counts: dict[int, CertificationCounts] = {}
    for keys, ids in by_keys.items():
        rows = (
            StaffMembership.objects.filter(left_at__isnull=True, organisation_id__in=ids)
            .values("organisation_id")
            .annotate(
                members=Count("pk"),
                passed=Count(
                    "pk", filter=Q(_valid_certificate_exists([uuid.UUID(k) for k in keys]))
                ),
            )
            .order_by()
        )
        for group in rows:
            counts[group["organisation_id"]] = CertificationCounts(
                group["members"], group["passed"]
            )
    grace = timedelta(days=settings.ORGANISATION_GRACE_DAYS)
    due = []
    for row in organisations:
        count = counts.get(row["pk"], CertificationCounts(0, 0))
        facts = CertificationFacts(
            status=row["certification_status"],
            staff_count=staff_count(declared_staff=row["declared_staff"], members=count.members),
            passed_count=count.passed,
            certificate_valid_until=row["valid_until"],
            at_risk_since=row["at_risk_since"],
        )
        if certification_transition(facts=facts, now=now, grace=grace).changed:
            due.append(row["pk"])
    return due


def staff_count(*, declared_staff: int, members: int) -> int:
    """The denominator: the declared staff, or the members when more have joined than declared.
    An organisation that declared no staff has not been set up and is never certified."""
    if declared_staff == 0:
        return 0
    return max(declared_staff, members)


#: Outbox kind of an evaluation (handler registered in OrganisationsConfig.ready): written in the
#: transaction that changed something that counts, run after it commits (ADR 0019).
EVALUATION_WANTED = "organisations.evaluate"


@dataclass(frozen=True)
class CertificationSummary:
    declared_staff: int
    members: int
    passed: int
    staff_count: int
    rate: Decimal
    qualifies: bool
    needed: int
    status: str
    status_label: str
    certificate: OrganisationCertificate | None
    #: an evaluation waits in the outbox (a pass or a staff change not yet counted by the
    #: workers, e.g. while they or Redis are down): the status may be about to change
    evaluation_waiting: bool = False

    @property
    def percent(self) -> int:
        return int(self.rate * 100)

    @property
    def required(self) -> int:
        return self.passed + self.needed


def certification_summary(*, organisation: Organisation) -> CertificationSummary:
    counts = certification_counts(organisation=organisation)
    denominator = staff_count(declared_staff=organisation.declared_staff, members=counts.members)
    return CertificationSummary(
        declared_staff=organisation.declared_staff,
        members=counts.members,
        passed=counts.passed,
        staff_count=denominator,
        rate=rules.pass_rate(staff_count=denominator, passed_count=counts.passed),
        qualifies=rules.organisation_qualifies(staff_count=denominator, passed_count=counts.passed),
        needed=rules.passes_needed(staff_count=denominator, passed_count=counts.passed),
        status=organisation.certification_status,
        status_label=str(organisation.get_certification_status_display()),
        certificate=current_certificate(organisation=organisation),
        evaluation_waiting=messages_about(
            kind=EVALUATION_WANTED, key="organisation_id", value=organisation.pk, pending=True
        ).exists(),
    )


@dataclass(frozen=True)
class RemovalEffect:
    """The 60% figure now and after one member stops counting."""

    member_passed: bool
    before: CertificationSummary
    passed_after: int
    staff_after: int
    rate_after: Decimal
    qualifies_after: bool

    @property
    def percent_after(self) -> int:
        return int(self.rate_after * 100)

    @property
    def denominator_unchanged(self) -> bool:
        return self.staff_after == self.before.staff_count


def member_removal_effect(
    *, organisation: Organisation, membership: StaffMembership
) -> RemovalEffect:
    """What 'no longer works here' does to the 60%: the member no longer counts as passed, and
    the staff number is the declared number (which the manager may lower) or the members left."""
    before = certification_summary(organisation=organisation)
    keys = counting_course_keys(organisation=organisation)
    member_passed = (
        Certificate.objects.currently_valid()
        .filter(user_id=membership.user_id, course_key__in=keys)
        .exists()
    )
    passed_after = before.passed - (1 if member_passed else 0)
    staff_after = staff_count(declared_staff=before.declared_staff, members=before.members - 1)
    return RemovalEffect(
        member_passed=member_passed,
        before=before,
        passed_after=passed_after,
        staff_after=staff_after,
        rate_after=rules.pass_rate(staff_count=staff_after, passed_count=passed_after),
        qualifies_after=rules.organisation_qualifies(
            staff_count=staff_after, passed_count=passed_after
        ),
    )


def current_certificate(*, organisation: Organisation) -> OrganisationCertificate | None:
    return organisation.certificates.filter(status=OrganisationCertificate.Status.VALID).first()


def certification_history(*, organisation: Organisation) -> QuerySet[CertificationStatusChange]:
    return organisation.status_changes.select_related("certificate").order_by("-created_at", "-pk")


class MemberStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    EXPIRED = "expired"
    REVOKED = "revoked"


def member_status_label(status: str) -> str:
    labels = {
        MemberStatus.NOT_STARTED: _("not started"),
        MemberStatus.IN_PROGRESS: _("in progress"),
        MemberStatus.PASSED: _("passed"),
        MemberStatus.EXPIRED: _("expired"),
        MemberStatus.REVOKED: _("certificate revoked"),
    }
    return labels[status]


def account_deleted(*, user) -> bool:
    """The person deleted their account: the row stays (anonymised) so the counts hold."""
    return user.anonymised_at is not None


def member_display_name(*, user) -> str:
    """How a member is shown to managers: a deleted account never as its placeholder address."""
    if account_deleted(user=user):
        return _("deleted account")
    return user.full_name or user.email


def organisation_members(*, organisation: Organisation) -> list[StaffMembership]:
    """Current members with `member_status` (not started, in progress, passed, expired), in one
    query: a valid certificate beats an old one, which beats an enrolment."""
    keys = counting_course_keys(organisation=organisation)
    rows = (
        current_memberships(organisation=organisation)
        .select_related("user")
        .annotate(
            has_valid=_valid_certificate_exists(keys),
            has_any=Exists(
                Certificate.objects.filter(user_id=OuterRef("user_id"), course_key__in=keys)
            ),
            # the latest certificate for a counting course was revoked (not merely expired)
            latest_status=Subquery(
                Certificate.objects.filter(user_id=OuterRef("user_id"), course_key__in=keys)
                .order_by("-issued_at", "-pk")
                .values("status")[:1]
            ),
            has_enrolment=Exists(
                Enrolment.objects.filter(user_id=OuterRef("user_id"), course_key__in=keys)
            ),
            # The member's latest certificate that is not revoked, for the ZIP download.
            certificate_code=Subquery(
                Certificate.objects.filter(user_id=OuterRef("user_id"), course_key__in=keys)
                .exclude(status=Certificate.Status.REVOKED)
                .order_by("-issued_at", "-pk")
                .values("code")[:1]
            ),
        )
        .order_by("user__full_name", "user__email")
    )
    # The rows keep their annotation types (has_valid, ...) for the checks below.
    members: list[StaffMembership] = []
    for member in rows:
        if member.has_valid:
            member.member_status = MemberStatus.PASSED
        elif member.latest_status == Certificate.Status.REVOKED:
            member.member_status = MemberStatus.REVOKED
        elif member.has_any:
            member.member_status = MemberStatus.EXPIRED
        elif member.has_enrolment:
            member.member_status = MemberStatus.IN_PROGRESS
        else:
            member.member_status = MemberStatus.NOT_STARTED
        member.member_status_label = member_status_label(member.member_status)
        member.display_name = member_display_name(user=member.user)
        member.account_deleted = account_deleted(user=member.user)
        members.append(member)
    return members


def public_certified_organisations(*, query: str = "", municipality: str = ""):
    """Opt-in listing of organisations that hold a valid certificate, searchable by name and
    municipality (also the municipality of a further location)."""
    valid_code = OrganisationCertificate.objects.filter(
        organisation=OuterRef("pk"), status=OrganisationCertificate.Status.VALID
    ).values("code")[:1]
    qs = (
        Organisation.objects.filter(
            public_listing=True, registration_status=Organisation.RegistrationStatus.APPROVED
        )
        .annotate(certificate_code=Subquery(valid_code))
        .filter(certificate_code__isnull=False)
        .prefetch_related("locations")
        .order_by("name")
    )
    if query:
        qs = qs.filter(name__icontains=query.strip())
    if municipality:
        place = municipality.strip()
        qs = qs.filter(
            Q(municipality__icontains=place)
            | Exists(
                Location.objects.filter(organisation=OuterRef("pk"), municipality__icontains=place)
            )
        )
    return qs


def join_destination(user) -> str | None:
    """Registered with accounts.destinations: someone who signed up to join an establishment and
    just confirmed their address goes to its counting course, in the language they signed up
    in (also when they opened the confirmation link in another browser)."""
    intent = (
        JoinIntent.objects.filter(
            user=user,
            completed_at__gte=timezone.now() - JOIN_DESTINATION_WINDOW,
        )
        .select_related("organisation")
        .order_by("-completed_at", "-pk")
        .first()
    )
    if intent is None:
        return None
    course = counting_course_page(organisation=intent.organisation, language=intent.language)
    with translation.override(intent.language):
        url = course.get_url() if course is not None else None
        return url or reverse("courses_catalogue")


def organisations_for_member(*, user) -> QuerySet[Organisation]:
    """Organisations the user currently works for."""
    return Organisation.objects.filter(
        memberships__user=user, memberships__left_at__isnull=True
    ).distinct()


def manager_may_view_certificate(user, certificate) -> bool:
    """Registered with certificates.permissions: a manager may see a personal certificate of
    someone who currently works for one of their organisations, and only one for a course that
    counts for that organisation (not every certificate the person holds)."""
    if not user.is_authenticated:
        return False
    default_keys = None
    for organisation in Organisation.objects.filter(
        managers=user,
        memberships__user_id=certificate.user_id,
        memberships__left_at__isnull=True,
    ).only("pk", "counting_course_keys"):
        if organisation.counting_course_keys:
            keys = {str(key) for key in organisation.counting_course_keys}
        else:
            default_keys = default_keys or {str(k) for k in default_counting_course_keys()}
            keys = default_keys
        if str(certificate.course_key) in keys:
            return True
    return False


def organisation_certificate_lookup(code: str) -> dict | None:
    """Registered with certificates.verification: /verify/<code> also finds organisation
    certificates. `code` is already normalised. Only public facts about the establishment."""
    certificate = (
        OrganisationCertificate.objects.select_related("organisation").filter(code=code).first()
    )
    if certificate is None:
        return None
    organisation = certificate.organisation
    return {
        "kind": "organisation",
        "organisation_certificate": certificate,
        "code": certificate.code,
        "display_code": code_display(certificate.code),
        "organisation": organisation,
        "holder_name": organisation.name,
        "municipality": organisation.municipality,
        "course_title": _("No Room for Sex Trafficking: certified establishment"),
        "status": certificate.status,
        "status_label": certificate.get_status_display(),
        "issued_on": certificate.awarded_at,
        "expires_on": certificate.valid_until,
        "status_changed_at": certificate.status_changed_at,
        "is_valid": certificate.status == OrganisationCertificate.Status.VALID,
    }


def membership_personal_data(user) -> dict:
    """Registered with accounts.personal_data: where the person works and what they manage."""
    return {
        "memberships": [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
                "left_at": m.left_at.isoformat() if m.left_at else None,
            }
            for m in StaffMembership.objects.filter(user=user).select_related("organisation")
        ],
        "manages": list(user.managed_organisations.values_list("name", flat=True)),
    }
