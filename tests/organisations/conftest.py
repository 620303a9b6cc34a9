import pytest

from accounts import roles
from lms import services as lms_services
from organisations import services
from organisations.models import StaffMembership
from tests.factories import UserFactory, answer_all_right, make_course, translate_course  # noqa: F401


@pytest.fixture
def hotel_course(db):
    return make_course(title="Hotelpersoneel: herken seksuele uitbuiting", validity_months=24)


@pytest.fixture
def manager(db):
    return UserFactory(role=roles.ORGANISATION_MANAGER)


@pytest.fixture
def programme_user(db):
    from cms.roles import ensure_roles

    ensure_roles()
    return UserFactory(role=roles.PROGRAMME_STAFF)


def make_organisation(*, manager, course, declared_staff=5, **extra):
    organisation = services.organisation_register(
        user=manager,
        name=extra.pop("name", "Hotel Test"),
        municipality=extra.pop("municipality", "Utrecht"),
        declared_staff=declared_staff,
        **extra,
    )
    if course is not None:
        organisation.counting_course_keys = [str(course.translation_key)]
        organisation.save(update_fields=["counting_course_keys"])
    return organisation


@pytest.fixture
def organisation(manager, hotel_course):
    return make_organisation(manager=manager, course=hotel_course)


def add_member(organisation, user=None, role=StaffMembership.Role.RECEPTION):
    user = user or UserFactory()
    return services.organisation_join(organisation=organisation, user=user, role=role)


def pass_course(user, course):
    """The learner passes `course` through the learning services; returns the Completion."""
    enrolment = lms_services.enrolment_create(user=user, course=course)
    attempt = lms_services.attempt_start(enrolment=enrolment)
    answer_all_right(attempt)
    lms_services.attempt_submit(attempt=attempt)
    return attempt.completion


def certify(user, course, *, valid=True):
    """The learner passes `course` and gets the personal certificate (certificates' own service,
    without the PDF); `valid=False` revokes it again, so it no longer counts."""
    from certificates import services as certificate_services

    certificate = certificate_services.certificate_create(completion=pass_course(user, course))
    if not valid:
        certificate = certificate_services.certificate_revoke(
            certificate=certificate, actor=None, reason="test: no longer counts"
        )
    return certificate
