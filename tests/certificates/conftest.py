import pytest
from django.core.cache import cache, caches

from accounts import roles
from lms import services as lms_services
from tests.factories import UserFactory, answer_all_right, make_course


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    caches["limits"].clear()  # the verification rate limit counts in the cache
    yield
    cache.clear()
    caches["limits"].clear()


@pytest.fixture
def course(db):
    return make_course(title="BUIT voor professionals", validity_months=24)


@pytest.fixture
def programme_user(db):
    from cms.roles import ensure_roles

    ensure_roles()
    return UserFactory(role=roles.PROGRAMME_STAFF)


def pass_course(user, course):
    """The learner passes `course` through the learning services; returns the Completion."""
    enrolment = lms_services.enrolment_create(user=user, course=course)
    attempt = lms_services.attempt_start(enrolment=enrolment)
    answer_all_right(attempt)
    lms_services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    return attempt.completion


def pass_course_without_certificate(user, course):
    """A pass whose certificate is not recorded yet (the certificates receiver disconnected, as
    for a pass stored before the outbox existed): for tests of the issuing steps themselves."""
    from certificates import receivers
    from lms.signals import course_passed

    uid = "certificates.on_course_passed"
    course_passed.disconnect(dispatch_uid=uid)
    try:
        return pass_course(user, course)
    finally:
        course_passed.connect(receivers.on_course_passed, dispatch_uid=uid)


@pytest.fixture
def completion(user, course):
    return pass_course_without_certificate(user, course)
