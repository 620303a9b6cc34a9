"""The factories make rows the services would make: a test that starts from them starts from
production-shaped data."""

import pytest

from certificates.models import Certificate
from lms.models import Attempt
from organisations.models import StaffMembership
from tests import factories

pytestmark = pytest.mark.django_db


def test_course_tree_is_published_with_revisions():
    course = factories.make_course(storylines=True, questions_per_lesson=1)
    children = course.get_children().specific()
    assert course.live and course.latest_revision is not None
    assert [type(c).__name__ for c in children] == ["LessonPage", "StorylinePage", "StorylinePage"]
    for storyline in children[1:]:
        lesson = storyline.get_children().specific().get()
        assert lesson.live and lesson.latest_revision is not None


def test_lesson_factory_adds_a_lesson_under_its_parent():
    course = factories.CourseFactory(title="Leeg")
    lesson = factories.LessonFactory(parent=course, body=[factories.text("<p>hallo</p>")])
    assert lesson.get_parent().pk == course.pk
    assert lesson.body[0].block_type == "text"


def test_attempt_factory_answers_and_submits_through_the_services():
    attempt = factories.AttemptFactory(answered=True, submitted=True)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.passed is True
    assert attempt.answers.count() == len(attempt.graded_questions)


def test_completion_and_certificate_factories():
    course = factories.make_course()
    user = factories.UserFactory()
    completion = factories.CompletionFactory(user=user, course=course)
    assert completion.user == user and completion.course_id == course.pk
    certificate = factories.CertificateFactory(completion=completion)
    assert certificate.status == Certificate.Status.VALID
    assert factories.CertificateFactory(completion=completion).pk == certificate.pk


def test_organisation_and_membership_factories():
    course = factories.make_course()
    membership = factories.MembershipFactory(organisation__counting_course=course)
    organisation = membership.organisation
    assert organisation.counting_course_keys == [str(course.translation_key)]
    assert organisation.managers.count() == 1
    assert membership.left_at is None
    assert membership.role == StaffMembership.Role.RECEPTION
