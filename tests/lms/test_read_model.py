"""One read model of a learner's progress (lms.selectors.course_progress), the retake rule over
all language versions of a course, and options shown in each attempt's own stable order."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from accounts.errors import Forbidden
from courses.models import StorylinePage
from lms import selectors, services
from lms.models import Attempt
from tests import factories

pytestmark = pytest.mark.django_db


def _english(course):
    """The English version of `course` (same translation key and slug) with a lesson."""
    english = course.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], copy_parents=True
    )
    english.save_revision().publish()
    factories.lesson(
        english,
        "Introduction",
        [factories.single_choice("Who do you call?", [("right", True), ("wrong", False)])],
    )
    english.refresh_from_db()
    return english


def _take(user, course, *, right: bool) -> Attempt:
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    for question in attempt.graded_questions:
        options = [o["id"] for o in question["options"] if o["correct"] is right][:1]
        services.answer_submit(
            attempt=attempt, question_id=question["id"], response={"option_ids": options}
        )
    return services.attempt_submit(attempt=attempt)


def test_attempts_count_across_language_versions(user):
    course = factories.make_course(max_attempts=2)
    english = _english(course)
    english.max_attempts = 2
    english.save_revision().publish()
    _take(user, course, right=False)
    _take(user, course, right=False)
    with pytest.raises(Forbidden) as refused:
        services.attempt_start(enrolment=services.enrolment_create(user=user, course=english))
    assert refused.value.code == "no_attempts_left"
    progress = selectors.course_progress(user=user, course=english)
    assert progress.attempts_used == 2 and progress.attempts_left == 0
    assert not progress.retake.can_start


def test_attempts_are_numbered_across_language_versions(user):
    """The result page's "Attempt N" agrees with "used N of M" after a switch of language."""
    course = factories.make_course(max_attempts=3)
    english = _english(course)
    english.max_attempts = 3
    english.save_revision().publish()
    assert _take(user, course, right=False).number == 1
    assert _take(user, english, right=False).number == 2
    assert selectors.course_progress(user=user, course=english).attempts_used == 2
    assert _take(user, course, right=False).number == 3


def test_the_course_page_in_another_language_offers_the_attempt_in_progress(client, user):
    """A learner who switches language mid-course is not silently started over: the other
    version's course page says where their answers are and links to that attempt."""
    course = factories.make_course()
    english = _english(course)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    assert selectors.course_progress(user=user, course=english).open_elsewhere == attempt
    assert selectors.course_progress(user=user, course=course).open_elsewhere is None
    client.force_login(user)
    page = client.get(english.url).content.decode()
    overview = reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id})
    with translation.override("en"):  # the English version's page speaks English
        said = translation.gettext(
            "You have an attempt in progress in %(language)s. Your answers so far are kept there."
        ) % {"language": "Dutch"}
    assert said in page and f'href="{overview}"' in page
    # once it is submitted there is nothing to continue
    factories.answer_all_right(attempt)
    services.attempt_submit(attempt=attempt)
    assert selectors.course_progress(user=user, course=english).open_elsewhere is None


def test_the_cooldown_counts_across_language_versions(user):
    course = factories.make_course(retake_cooldown_hours=24)
    english = _english(course)
    english.retake_cooldown_hours = 24
    english.save_revision().publish()
    _take(user, course, right=False)
    with pytest.raises(Forbidden) as refused:
        services.attempt_start(enrolment=services.enrolment_create(user=user, course=english))
    assert refused.value.code == "cooldown"
    progress = selectors.course_progress(user=user, course=english)
    assert progress.cooldown_until is not None
    assert refused.value.details["available_at"] == progress.cooldown_until.isoformat()


def test_the_read_model_tells_where_a_learner_stands(user):
    course = factories.make_course(max_attempts=3)
    before = selectors.course_progress(user=user, course=course)
    assert before.enrolment is None and before.lessons_total == 0 and not before.passed
    failed = _take(user, course, right=False)
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    lesson_id = attempt.snapshot["lesson_ids"][0]
    services.lesson_seen(enrolment=enrolment, lesson_id=lesson_id)
    progress = selectors.course_progress(user=user, course=course)
    assert progress.attempt == attempt and progress.open_attempt == attempt
    assert progress.lessons_total == len(attempt.snapshot["lesson_ids"])
    assert progress.resume_lesson_id == lesson_id
    assert progress.attempts_used == 1 and progress.attempts_left == 2
    assert progress.best_score == failed.score
    assert not progress.passed
    # "Mijn leren" and the API read the same model.
    (row,) = selectors.learner_progress(user=user)
    assert (row.resume_lesson_id, row.attempts_left, row.lessons_total) == (
        progress.resume_lesson_id,
        progress.attempts_left,
        progress.lessons_total,
    )


def test_each_attempt_shows_options_in_its_own_stable_order(user):
    course = factories.make_course(questions_per_lesson=1)
    content = None
    orders = set()
    for person in [user, *(factories.UserFactory() for _ in range(15))]:
        attempt = services.attempt_start(
            enrolment=services.enrolment_create(user=person, course=course)
        )
        question = attempt.graded_questions[0]
        content = [o["id"] for o in question["options"]]
        shown = [o["id"] for o in services.public_question(attempt, question)["options"]]
        assert sorted(shown) == sorted(content)
        assert shown == question["option_order"]  # stored in the attempt's snapshot
        again = Attempt.objects.get(pk=attempt.pk)
        assert [o["id"] for o in services.public_question(again, question)["options"]] == shown
        feedback = services.answer_submit(
            attempt=attempt, question_id=question["id"], response={"option_ids": [shown[0]]}
        )
        assert [o["id"] for o in feedback["options"]] == shown
        orders.add(tuple(shown))
    # The snapshot keeps the content's order (what editors see) next to the attempt's order.
    assert content is not None and len(orders) == 2  # 16 attempts: both orders of two options


def test_an_attempt_started_before_orders_were_stored_keeps_the_content_order(user):
    course = factories.make_course(questions_per_lesson=1)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    snapshot = attempt.snapshot
    for question in snapshot["questions"]:
        question.pop("option_order", None)
    Attempt.objects.filter(pk=attempt.pk).update(snapshot=snapshot)
    attempt.refresh_from_db()
    question = attempt.graded_questions[0]
    shown = [o["id"] for o in services.public_question(attempt, question)["options"]]
    assert shown == [o["id"] for o in question["options"]]


def test_the_lesson_player_counts_lessons_done_as_the_read_model_does(client, user):
    """One rule for "lessons done" (`rules.lessons_done`): the lesson player's progress bar says
    what the course page and the API say, also after an editor unpublished a lesson the learner
    had finished."""
    from django.urls import reverse

    from courses.models import LessonPage
    from tests.lms.test_views import enrolled, make_quiz_course

    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    first, second = attempt.snapshot["lesson_ids"]
    services.lesson_visit(
        enrolment=attempt.enrolment, lesson=LessonPage.objects.get(pk=first), completed=True
    )
    LessonPage.objects.get(pk=first).unpublish()
    response = client.get(reverse("lms:lesson", kwargs={"lesson_id": second}))
    assert response.status_code == 200
    progress = selectors.course_progress(user=user, course=course)
    assert (progress.lessons_done, progress.lessons_total) == (1, 2)
    assert (response.context["lessons_done"], response.context["lessons_total"]) == (1, 2)
    assert 'max="2" value="1"' in response.content.decode()


def test_the_retake_rule_reads_the_attempts_once_without_their_questions(user):
    """`course_retake` (what `attempt_start` enforces) is the read model's rule over the same
    lookup (`course_progress.retake`), in one query that leaves the snapshots unread."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = factories.make_course(max_attempts=3, retake_cooldown_hours=24)
    _take(user, course, right=False)
    with CaptureQueriesContext(connection) as queries:
        state = selectors.course_retake(user=user, course=course, course_key=course.translation_key)
    assert len(queries.captured_queries) == 1
    assert "snapshot" not in queries.captured_queries[0]["sql"]
    assert state == selectors.course_progress(user=user, course=course).retake
    assert state.attempts_used == 1 and state.attempts_left == 2
    assert state.available_at is not None and not state.can_start
    with pytest.raises(Forbidden) as refused:
        services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    assert refused.value.code == "cooldown"
    assert refused.value.details == {"available_at": state.available_at.isoformat()}


def test_the_attempt_review_lists_wrong_and_open_questions_in_the_attempts_order(user):
    course = factories.make_course(questions_per_lesson=3)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    first, second, third = attempt.graded_questions
    wrong = {"option_ids": [next(o["id"] for o in third["options"] if not o["correct"])]}
    services.answer_submit(attempt=attempt, question_id=third["id"], response=wrong)
    services.answer_submit(
        attempt=attempt, question_id=first["id"], response=factories.right_response(first)
    )
    review = selectors.attempt_review(attempt=attempt)
    assert (review.total, review.answered, review.correct, review.open) == (3, 2, 1, 1)
    # answers in the order they were given; what to review in the attempt's order
    assert [a.question_id for a in review.answers] == [third["id"], first["id"]]
    assert [(q.question_id, q.answered) for q in review.to_review] == [
        (second["id"], False),
        (third["id"], True),
    ]
    assert [q.question_id for q in review.wrong] == [third["id"]]
    [lesson] = review.lessons
    assert lesson.title == "Introductie"
    assert (lesson.wrong, lesson.open) == ([third["question"]], [second["question"]])


def test_a_review_with_nothing_to_review_reads_no_lesson_titles(user, django_assert_num_queries):
    course = factories.make_course()
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    factories.answer_all_right(attempt)
    # the answers, and (the attempt is open) which of its lessons are still live
    with django_assert_num_queries(2):
        review = selectors.attempt_review(attempt=attempt)
        assert review.lessons == [] and review.wrong == [] and review.open == 0
    assert review.correct == review.total == len(attempt.graded_questions)


# ------------------------------- lessons to come before the storyline choice (audit, item 4)


def test_the_lessons_to_come_rule():
    from lms import rules

    assert rules.lessons_to_come(pending=None) == rules.NONE_TO_COME
    # every storyline as long: the total is known
    same = rules.lessons_to_come(pending={"closing": 1, "storylines": [3, 3]})
    assert (same.count, same.storyline_uncounted) == (4, False)
    # storylines differ: the shared lessons only, and a note says the storyline's come on top
    differ = rules.lessons_to_come(pending={"closing": 1, "storylines": [2, 3]})
    assert (differ.count, differ.storyline_uncounted) == (1, True)
    # an attempt started before it noted this
    unknown = rules.lessons_to_come(pending={})
    assert (unknown.count, unknown.storyline_uncounted) == (0, True)


def _note(*, done: int, total: int) -> str:
    """The count with the note, as the (Dutch by default) pages show it."""
    with translation.override("nl"):
        return translation.gettext(
            "%(done)s of %(total)s, plus the lessons of the storyline you choose"
        ) % {"done": done, "total": total}


def _pages(client, attempt):
    """The course page, the lesson player (first lesson) and "Mijn leren", as HTML."""
    from django.urls import reverse

    lesson = reverse("lms:lesson", kwargs={"lesson_id": attempt.snapshot["lesson_ids"][0]})
    return {
        "course": client.get(attempt.course.url).content.decode(),
        "lesson": client.get(lesson).content.decode(),
        "my learning": client.get(reverse("lms:my_learning")).content.decode(),
    }


def test_before_the_storyline_choice_progress_counts_the_lessons_the_learner_will_take(
    client, user
):
    """The audit: right after enrolling a storyline course said "0 of 1" (the introduction)
    though the learner takes the introduction and a storyline. Both storylines are one lesson
    long: every page and the API say 2, before and after the choice."""
    from tests.lms.test_views import enrolled

    course = factories.make_course(storylines=True)
    attempt = enrolled(client, user, course)
    assert len(attempt.snapshot["lesson_ids"]) == 1  # the introduction only
    progress = selectors.course_progress(user=user, course=course)
    assert (progress.lessons_done, progress.lessons_total) == (0, 2)
    assert not progress.storyline_lessons_uncounted
    [row] = selectors.learner_progress(user=user)
    assert (row.lessons_total, row.storyline_lessons_uncounted) == (2, False)
    pages = _pages(client, attempt)
    assert "0 van 2</span>" in pages["course"]
    assert 'max="2" value="0"' in pages["lesson"] and "Les 1 van 2" in pages["lesson"]
    assert "0 van 2 lessen afgerond" in pages["my learning"]
    storyline = course.get_children().type(StorylinePage).first().specific
    services.attempt_storyline_choose(attempt=attempt, storyline=storyline)
    progress = selectors.course_progress(user=user, course=course)
    assert (progress.lessons_total, progress.storyline_lessons_uncounted) == (2, False)


def test_storylines_of_different_length_are_noted_not_counted_before_the_choice(client, user):
    from django.utils.html import escape

    from tests.lms.test_views import enrolled

    course = factories.make_course(storylines=True)
    longer = course.get_children().type(StorylinePage).first().specific
    factories.lesson(longer, "Tweede les", [factories.text()])
    factories.lesson(course, "Afsluiting", [factories.text()])  # a closing lesson, after both
    attempt = enrolled(client, user, course)
    progress = selectors.course_progress(user=user, course=course)
    # the introduction and the closing lesson, and a note for the storyline's
    assert (progress.lessons_total, progress.storyline_lessons_uncounted) == (2, True)
    pages = _pages(client, attempt)
    note = escape(_note(done=0, total=2))
    assert note in pages["course"], pages["course"]
    assert note in pages["lesson"] and "Les 1 van 2" in pages["lesson"]
    with translation.override("nl"):
        card = translation.ngettext(
            "%(done)s of %(total)s lesson done, plus the lessons of the storyline you choose",
            "%(done)s of %(total)s lessons done, plus the lessons of the storyline you choose",
            2,
        ) % {"done": 0, "total": 2}
    assert escape(card) in pages["my learning"]
    services.attempt_storyline_choose(attempt=attempt, storyline=longer)
    progress = selectors.course_progress(user=user, course=course)
    assert (progress.lessons_total, progress.storyline_lessons_uncounted) == (4, False)
    pages = _pages(client, attempt)
    assert "0 van 4</span>" in pages["course"] and "Les 1 van 4" in pages["lesson"]
    assert escape(_note(done=0, total=4)) not in pages["course"]


def test_an_attempt_started_before_the_count_was_noted_says_the_storyline_comes_on_top(user):
    course = factories.make_course(storylines=True)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    snapshot = dict(attempt.snapshot)
    del snapshot["lessons_to_come"]
    Attempt.objects.filter(pk=attempt.pk).update(snapshot=snapshot)
    progress = selectors.course_progress(user=user, course=course)
    assert (progress.lessons_total, progress.storyline_lessons_uncounted) == (1, True)
