"""Query budgets of the learner's hot paths, as tests (issue 15): a lesson page at most 10
queries, an answer at most 6, with and without JavaScript."""

import pytest

from lms.models import Answer, Enrolment
from tests.lms.test_views import answer_url, answered_one, enrolled, lesson_url, make_quiz_course

pytestmark = pytest.mark.django_db

LESSON_PAGE = 10
ANSWER = 6
#: the attempt page after submitting (12 while the review read its lessons' titles itself)
RESULT_PAGE = 11


def test_a_lesson_page_stays_within_its_budget(client, user, django_assert_max_num_queries):
    """A learner coming back to a lesson. (The very first page of a process or a person also
    reads what is then kept: the session, the lesson's body, the role links, the site root.)"""
    attempt = answered_one(client, user)
    client.get(lesson_url(attempt))  # first visits create the progress rows
    client.get(lesson_url(attempt, 1))
    # Coming back records the visit (resume point) and renders every question type.
    with django_assert_max_num_queries(LESSON_PAGE):
        response = client.get(lesson_url(attempt))
    assert response.status_code == 200
    assert Enrolment.objects.get(user=user).last_lesson_id == attempt.snapshot["lesson_ids"][0]


@pytest.mark.parametrize("fragment", [False, True], ids=["without js", "with js"])
def test_an_answer_stays_within_its_budget(client, user, django_assert_max_num_queries, fragment):
    attempt = enrolled(client, user, make_quiz_course())
    client.get(lesson_url(attempt))
    headers = {"HTTP_X_LMS_FRAGMENT": "1"} if fragment else {}
    with django_assert_max_num_queries(ANSWER):
        response = client.post(answer_url(attempt, "q-tf"), {"value": "false"}, **headers)
    assert response.status_code == (200 if fragment else 303)
    assert Answer.objects.filter(attempt=attempt, question_id="q-tf").exists()


def test_an_answer_reads_its_attempt_with_the_enrolment_course_only(client, user):
    """An answer posted by the page's JavaScript is the learner's most frequent request: its
    attempt is read with the enrolment's course (the fragment's language) and nothing else of
    Wagtail's wide page table (not the attempt's own course page, not the storyline), by its
    unique public id without ordering the joined select."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attempt = enrolled(client, user, make_quiz_course())
    client.get(lesson_url(attempt))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            answer_url(attempt, "q-tf"), {"value": "false"}, HTTP_X_LMS_FRAGMENT="1"
        )
    assert response.status_code == 200
    (read,) = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "lms_attempt"')
    ]
    assert read.count('JOIN "wagtailcore_page"') == 1
    assert "ORDER BY" not in read


def test_the_start_page_reads_the_enrolment_and_attempts_once(client, user):
    """The start page takes the enrolment, its current attempt and the retake state from the
    read model (`course_progress`), not from lookups of its own besides."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from lms import services
    from tests.factories import answer_all_right, make_course

    course = make_course(max_attempts=3)
    client.force_login(user)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    answer_all_right(attempt)
    services.attempt_submit(attempt=attempt)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lms:start", kwargs={"course_id": course.pk}))
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "lms_enrolment"' in s for s in sql) == 1
    assert sum('FROM "lms_attempt"' in s for s in sql) == 1


def test_the_result_page_stays_within_its_budget(client, user, django_assert_max_num_queries):
    """The result page reads its review from `selectors.attempt_review` (the answers, then the
    titles of the lessons to review) and the course's state from `course_progress`."""
    from django.urls import reverse

    from lms import services
    from tests.factories import make_course, right_response

    course = make_course(max_attempts=3)
    attempt = enrolled(client, user, course)
    first, *rest = attempt.graded_questions
    wrong = {"option_ids": [next(o["id"] for o in first["options"] if not o["correct"])]}
    services.answer_submit(attempt=attempt, question_id=first["id"], response=wrong)
    for question in rest:
        services.answer_submit(
            attempt=attempt, question_id=question["id"], response=right_response(question)
        )
    services.attempt_submit(attempt=attempt)
    url = reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id})
    client.get(url)  # what is kept after a first page (session, site root, role links)
    with django_assert_max_num_queries(RESULT_PAGE):
        response = client.get(url)
    assert response.status_code == 200
    assert first["question"] in response.content.decode()


def test_the_course_page_reads_the_enrolment_narrow_and_the_lessons_without_their_content(
    client, user
):
    """The course page (issue 15's costliest learner page) reads the learner's enrolment by its
    unique (person, course) without joining Wagtail's wide page rows or ordering, and the
    course's lessons without their content (the StreamField, which only the lesson player,
    the attempt's snapshot and the API need)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_course

    course = make_course()
    attempt = enrolled(client, user, course)
    client.get(lesson_url(attempt))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(course.url)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    (enrolment,) = [s for s in sql if s.startswith('SELECT "lms_enrolment"')]
    assert "JOIN" not in enrolment
    assert "ORDER BY" not in enrolment
    lessons = [s for s in sql if 'FROM "courses_lessonpage"' in s]
    assert lessons
    assert not any('"courses_lessonpage"."body"' in s for s in lessons)
