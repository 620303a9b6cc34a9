from decimal import Decimal

import pytest

from accounts.errors import Conflict, Forbidden
from courses.selectors import course_outline
from lms import services
from lms.errors import LearningError
from lms.models import Completion
from lms.signals import course_passed
from tests import factories
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


def storyline_course_with_closing():
    """Intro, two storylines, and a closing lesson after them."""
    course = make_course(storylines=True)
    factories.lesson(
        course,
        "Afsluiting",
        [factories.single_choice("slot vraag", [("goed", True), ("fout", False)])],
    )
    course.refresh_from_db()
    return course


def test_start_without_storyline_holds_the_introduction_only(user):
    course = storyline_course_with_closing()
    outline = course_outline(course=course)
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    intro_ids = [lesson.pk for lesson in outline.intro]
    assert attempt.storyline is None
    assert attempt.snapshot["lesson_ids"] == intro_ids
    assert set(attempt.snapshot["lesson_revisions"]) == {str(pk) for pk in intro_ids}
    assert {q["lesson_id"] for q in attempt.questions} == set(intro_ids)
    assert len(attempt.graded_questions) == 2
    assert services.attempt_storyline_pending(attempt)
    # Starting again returns the same open attempt.
    assert services.attempt_start(enrolment=enrolment).pk == attempt.pk


def test_choosing_a_storyline_appends_its_lessons_and_the_closing(user):
    course = storyline_course_with_closing()
    outline = course_outline(course=course)
    (first, first_lessons), (second, _lessons) = outline.storylines
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    intro_question = attempt.graded_questions[0]
    services.answer_submit(
        attempt=attempt,
        question_id=intro_question["id"],
        response={"option_ids": [intro_question["options"][0]["id"]]},
    )

    chosen = services.attempt_storyline_choose(attempt=attempt, storyline=second)
    path = [*outline.intro, *outline.storylines[1][1], *outline.closing]
    assert chosen.snapshot["lesson_ids"] == [lesson.pk for lesson in path]
    assert set(chosen.snapshot["lesson_revisions"]) == {str(lesson.pk) for lesson in path}
    assert len(chosen.graded_questions) == 2 + 2 + 1  # intro + storyline + closing
    assert [q["question"] for q in chosen.graded_questions[2:]] == [
        "Criminele uitbuiting vraag 0",
        "Criminele uitbuiting vraag 1",
        "slot vraag",
    ]
    # The intro questions (and the answer already given) are kept.
    assert chosen.graded_questions[0] == intro_question
    assert chosen.answers.count() == 1
    chosen.refresh_from_db()
    enrolment.refresh_from_db()
    assert chosen.storyline_id == second.pk and enrolment.storyline_id == second.pk
    assert not services.attempt_storyline_pending(chosen)

    # The same choice again changes nothing; another one is a conflict.
    again = services.attempt_storyline_choose(attempt=chosen, storyline=second)
    assert again.snapshot == chosen.snapshot
    with pytest.raises(Conflict) as refused:
        services.attempt_storyline_choose(attempt=chosen, storyline=first)
    assert refused.value.code == "storyline_chosen"
    assert refused.value.status == 409
    chosen.refresh_from_db()
    assert chosen.storyline_id == second.pk
    assert first_lessons[0].pk not in chosen.snapshot["lesson_ids"]


def test_storyline_of_another_course_is_refused(user):
    course = make_course(storylines=True)
    other = make_course(title="Andere", storylines=True)
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    foreign = course_outline(course=other).storylines[0][0]
    with pytest.raises(LearningError) as refused:
        services.attempt_storyline_choose(attempt=attempt, storyline=foreign)
    assert refused.value.code == "unknown_storyline"
    with pytest.raises(LearningError):
        services.attempt_start(enrolment=enrolment, storyline=foreign)


def test_no_storyline_choice_on_a_course_without_storylines(user):
    course = make_course()
    storyline = course_outline(course=make_course(storylines=True)).storylines[0][0]
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    assert not services.attempt_storyline_pending(attempt)
    with pytest.raises(LearningError) as refused:
        services.attempt_storyline_choose(attempt=attempt, storyline=storyline)
    assert refused.value.code == "unknown_storyline"


def test_submit_without_a_storyline_is_refused(user):
    course = make_course(storylines=True)
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    answer_all(attempt)  # every intro question, correctly
    with pytest.raises(LearningError) as refused:
        services.attempt_submit(attempt=attempt)
    assert refused.value.code == "storyline_required"
    attempt.refresh_from_db()
    assert attempt.status == attempt.Status.IN_PROGRESS
    assert not Completion.objects.filter(user=user).exists()


def test_a_course_without_questions_cannot_be_passed(user):
    """A translation or storyline published without its lessons asks nothing: submitting it is
    refused (it passed with 100% and a certificate before), and the attempt stays open."""
    course = make_course(questions_per_lesson=0)
    # make_course's introduction also holds a scenario, which is not graded
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    assert attempt.graded_questions == []
    with pytest.raises(LearningError) as refused:
        services.attempt_submit(attempt=attempt)
    assert refused.value.code == "no_questions"
    attempt.refresh_from_db()
    assert attempt.status == attempt.Status.IN_PROGRESS and attempt.passed is None
    assert not Completion.objects.filter(user=user).exists()


def test_completion_needs_the_introduction_and_the_chosen_storyline(user):
    course = make_course(storylines=True)
    storyline = course_outline(course=course).storylines[0][0]
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    answer_all(attempt)
    attempt = services.attempt_storyline_choose(attempt=attempt, storyline=storyline)
    # The storyline's questions are still open.
    with pytest.raises(LearningError) as refused:
        services.attempt_submit(attempt=attempt)
    assert refused.value.code == "unanswered_questions"
    assert len(refused.value.details["unanswered"]) == 2
    for q in attempt.graded_questions[2:]:
        services.answer_submit(
            attempt=attempt,
            question_id=q["id"],
            response={"option_ids": [o["id"] for o in q["options"] if o["correct"]]},
        )
    result = services.attempt_submit(attempt=attempt)
    assert result.passed and result.score == Decimal("100.00")
    completion = Completion.objects.get(user=user)
    assert completion.attempt_id == attempt.pk


def test_choosing_on_a_submitted_attempt_is_a_conflict(user):
    course = make_course(storylines=True)
    storylines = [s for s, _lessons in course_outline(course=course).storylines]
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment, storyline=storylines[0])
    answer_all(attempt)
    services.attempt_submit(attempt=attempt)
    with pytest.raises(Conflict) as refused:
        services.attempt_storyline_choose(attempt=attempt, storyline=storylines[1])
    assert refused.value.code == "attempt_submitted"


def test_the_other_storyline_later_in_a_new_attempt(user):
    course = make_course(storylines=True)
    outline = course_outline(course=course)
    (first, _l1), (second, second_lessons) = outline.storylines
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    services.attempt_storyline_choose(attempt=attempt, storyline=first)
    attempt.refresh_from_db()
    answer_all(attempt)
    services.attempt_submit(attempt=attempt)
    later = services.attempt_start(enrolment=enrolment, storyline=second)
    assert later.number == 2 and later.storyline_id == second.pk
    assert later.snapshot["lesson_ids"] == [
        lesson.pk for lesson in [*outline.intro, *second_lessons]
    ]
    assert not services.attempt_storyline_pending(later)


def test_choosing_up_front_while_in_the_introduction_keeps_the_attempt(user):
    course = make_course(storylines=True)
    storyline = course_outline(course=course).storylines[0][0]
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    started = services.attempt_start(enrolment=enrolment, storyline=storyline)
    assert started.pk == attempt.pk and started.storyline_id == storyline.pk
    assert len(started.graded_questions) == 4


def test_enrolling_checks_every_prerequisite_in_one_query(user, django_assert_max_num_queries):
    """The prerequisite check is `selectors.missing_prerequisites` (the one the course page
    shows), not a query per prerequisite."""
    prerequisites = [make_course(title=f"Eerst {n}") for n in range(4)]
    for prerequisite in prerequisites:
        attempt = services.attempt_start(
            enrolment=services.enrolment_create(user=user, course=prerequisite)
        )
        factories.answer_all_right(attempt)
        services.attempt_submit(attempt=attempt)
    course = make_course(title="Daarna")
    course.prerequisites.add(*prerequisites)
    # prerequisites, completions, and get_or_create's select, savepoint, insert, release
    with django_assert_max_num_queries(6):
        enrolment = services.enrolment_create(user=user, course=course)
    assert enrolment.course_id == course.pk
    course.prerequisites.add(make_course(title="Nog niet gehaald"))
    with pytest.raises(Forbidden) as refused:
        services.enrolment_create(user=user, course=course)
    assert refused.value.code == "prerequisites_missing"
    assert "Nog niet gehaald" in refused.value.message and "Eerst" not in refused.value.message


def test_a_new_attempt_starts_at_its_first_lesson_with_nothing_done(user):
    """The audit's retake landed on the last lesson, with every lesson marked done from the
    attempt before: a new attempt starts at the introduction and counts only its own lessons."""
    from courses.models import LessonPage
    from lms import selectors
    from lms.models import Enrolment

    course = make_course(storylines=True)
    outline = course_outline(course=course)
    (first, _lessons), _second = outline.storylines
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment, storyline=first)
    for lesson_id in attempt.snapshot["lesson_ids"]:
        lesson = LessonPage.objects.get(pk=lesson_id)
        services.lesson_visit(enrolment=enrolment, lesson=lesson, completed=True)
    before = selectors.course_progress(user=user, course=course)
    assert before.lessons_done == before.lessons_total == len(attempt.snapshot["lesson_ids"])
    answer_all(attempt, correct=False)
    services.attempt_submit(attempt=attempt)

    retake = services.attempt_start(
        enrolment=Enrolment.objects.get(pk=enrolment.pk), storyline=first
    )
    after = selectors.course_progress(user=user, course=course)
    assert after.attempt == retake
    assert after.lessons_done == 0 and after.completed_lesson_ids == frozenset()
    assert after.resume_lesson_id == retake.snapshot["lesson_ids"][0]
    # finishing a lesson again counts it in the new attempt
    services.lesson_visit(enrolment=enrolment, lesson=outline.intro[0], completed=True)
    assert selectors.course_progress(user=user, course=course).lessons_done == 1


def test_a_lesson_removed_during_an_attempt_no_longer_blocks_it(user):
    """A reviewer deleted a lesson while a learner was in an attempt: its questions could not be
    opened, the attempt could never be submitted and no new one started. They now neither
    block the attempt nor count in its score."""
    from lms import selectors

    course = make_course(storylines=True)
    outline = course_outline(course=course)
    (first, first_lessons), _second = outline.storylines
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment, storyline=first)
    gone = first_lessons[0]
    kept = [q for q in attempt.graded_questions if q["lesson_id"] != gone.pk]
    for q in kept:
        wanted = [o["id"] for o in q["options"] if o["correct"]][:1]
        services.answer_submit(
            attempt=attempt, question_id=q["id"], response={"option_ids": wanted}
        )
    with pytest.raises(LearningError):
        services.attempt_submit(attempt=attempt)  # the storyline's questions are still open
    gone.delete()
    review = selectors.attempt_review(attempt=attempt)
    assert review.total == len(kept) and review.answered == len(kept)
    submitted = services.attempt_submit(attempt=attempt)
    assert submitted.passed and submitted.score == Decimal("100.00")
