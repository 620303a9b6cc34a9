import pytest
from django.core.cache import cache

from accounts import roles
from lms import services as lms_services
from tests.factories import UserFactory, answer_all_right, make_course


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the verification rate limit counts in the cache
    yield
    cache.clear()


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


@pytest.fixture
def completion(user, course):
    return pass_course(user, course)
