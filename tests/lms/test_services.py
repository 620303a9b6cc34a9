from decimal import Decimal

import pytest

from lms import services
from lms.errors import Conflict, LearningError
from lms.models import Completion
from lms.signals import course_passed
from tests.factories import make_course

pytestmark = pytest.mark.django_db


def answer_all(attempt, correct=True):
    for q in attempt.graded_questions:
        wanted = [o["id"] for o in q["options"] if o["correct"] == correct][:1]
        services.answer_submit(
            attempt=attempt, question_id=q["id"], response={"option_ids": wanted}
        )


def test_pass_creates_exactly_one_completion(user, django_capture_on_commit_callbacks):
    course = make_course(storylines=True)
    enrolment = services.enrolment_create(user=user, course=course)
    from courses.selectors import course_outline

    storyline = course_outline(course=course).storylines[0][0]
    attempt = services.attempt_start(enrolment=enrolment, storyline=storyline)
    assert len(attempt.graded_questions) == 4  # intro 2 + storyline 2
    answer_all(attempt)
    received = []
    course_passed.connect(lambda **kw: received.append(kw["completion"]), weak=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.attempt_submit(attempt=attempt)
    assert result.passed and result.score == Decimal("100.00")
    assert Completion.objects.filter(user=user).count() == 1
    assert len(received) == 1
    with pytest.raises(Conflict):
        services.attempt_submit(attempt=attempt)
    assert Completion.objects.filter(user=user).count() == 1


def test_storyline_required(user):
    course = make_course(storylines=True)
    enrolment = services.enrolment_create(user=user, course=course)
    with pytest.raises(LearningError):
        services.attempt_start(enrolment=enrolment)
