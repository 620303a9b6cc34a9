import pytest

from accounts import roles
from organisations.models import StaffMembership
from tests.factories import (  # noqa: F401
    CertificateFactory,
    CompletionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    answer_all_right,
    make_course,
    translate_course,
)


@pytest.fixture
def hotel_course(db):
    return make_course(title="Hotelpersoneel: herken seksuele uitbuiting", validity_months=24)


@pytest.fixture
def programme_user(db):
    from cms.roles import ensure_roles

    ensure_roles()
    return UserFactory(role=roles.PROGRAMME_STAFF)


def make_organisation(*, manager, course, declared_staff=5, **extra):
    """A registered organisation of `manager` in which `course` (if any) counts."""
    return OrganisationFactory(
        manager=manager,
        counting_course=course,
        declared_staff=declared_staff,
        name=extra.pop("name", "Hotel Test"),
        municipality=extra.pop("municipality", "Utrecht"),
        **extra,
    )


@pytest.fixture
def organisation(manager, hotel_course):
    return make_organisation(manager=manager, course=hotel_course)


def add_member(organisation, user=None, role=StaffMembership.Role.RECEPTION):
    return MembershipFactory(organisation=organisation, user=user or UserFactory(), role=role)


def pass_course(user, course):
    """The learner passes `course` through the learning services; returns the Completion."""
    return CompletionFactory(user=user, course=course)


def certify(user, course, *, valid=True):
    """The learner passes `course` and gets the personal certificate (certificates' own service,
    without the PDF); `valid=False` revokes it again, so it no longer counts."""
    from certificates import services as certificate_services

    certificate = CertificateFactory(completion=pass_course(user, course))
    if not valid:
        certificate = certificate_services.certificate_revoke(
            certificate=certificate, actor=None, reason="test: no longer counts"
        )
    return certificate


def add_staff(organisation, course, *, passed: int, unfinished: int = 0):
    """`passed` members who hold a valid certificate for `course`, then `unfinished` who do not."""
    members = []
    for _ in range(passed):
        membership = add_member(organisation)
        certify(membership.user, course)
        members.append(membership)
    for _ in range(unfinished):
        members.append(add_member(organisation))
    return members
