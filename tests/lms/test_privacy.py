"""No per-person value ever crosses between learners (issue 15, ADR 0014).

The lesson page shares what holds nothing of a learner (the lesson's rendered body, a question's
choices; lms/fragments.py) and the layout keeps each person's role links (cms/context_processors).
These tests render the page for learner A, then for learner B on the same lesson, and check that
every value the layout and the lesson page show per person (name, e-mail address, attempt id,
CSRF token, answers, feedback, progress, the role links, messages) stays on A's page; and that
the shared caches hold none of A's values at all."""

import pickle
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts import roles
from courses.models import LessonPage
from lms import services
from lms.models import Enrolment
from tests import factories
from tests.lms.test_views import (
    SECRET,
    answer_url,
    enrolled,
    lesson_url,
    make_quiz_course,
    option_id,
    shown,
)

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
A_MESSAGE = "Alleen voor leerling A: bericht 7f3e"


@pytest.fixture(autouse=True)
def _empty_caches():
    caches["fragments"].clear()
    caches["default"].clear()
    yield
    caches["fragments"].clear()


def _with_message(client: Client, text: str) -> None:
    """Queue a message for the next page of `client` (as a view's `messages.info` would)."""
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    client.cookies["messages"] = storage._encode([Message(constants.INFO, text)])


def _learner_a_and_b():
    course = make_quiz_course()
    a = factories.UserFactory(full_name="Annabel Voorbeeldpersoon", role=roles.PROGRAMME_STAFF)
    b = factories.UserFactory(full_name="Bram Anderspersoon", role=roles.LEARNER)
    client_a, client_b = Client(), Client()
    attempt_a = enrolled(client_a, a, course)
    attempt_b = enrolled(client_b, b, course)
    # A answers a question (wrongly: feedback and "your answer" show), finishes the first
    # lesson (progress) and has a message waiting.
    services.answer_submit(
        attempt=attempt_a,
        question_id="q-single",
        response={"option_ids": [option_id(attempt_a, "q-single", "Niemand")]},
    )
    first = LessonPage.objects.get(pk=attempt_a.snapshot["lesson_ids"][0])
    services.lesson_visit(
        enrolment=Enrolment.objects.get(user=a), lesson=first, seconds=60, completed=True
    )
    _with_message(client_a, A_MESSAGE)
    return (a, client_a, attempt_a), (b, client_b, attempt_b)


def _values_of_a(html: str, a, attempt_a) -> dict[str, str]:
    """Every per-person value of A, each checked to be on A's own page (so the test can fail)
    where the page shows it."""
    values = {
        "name": a.full_name,
        "email": a.email,
        "attempt id": str(attempt_a.public_id),
        "csrf token": CSRF.search(html).group(1),
        "answer": shown("your answer"),
        "feedback": f"{SECRET}-fb-Niemand",
        "progress": 'id="lesson-progress" max="2" value="1"',
        "nav role link": reverse("reporting:dashboard"),
        "message": A_MESSAGE,
    }
    for name in ("attempt id", "csrf token", "answer", "feedback", "progress", "nav role link"):
        assert values[name] in html, name
    assert A_MESSAGE in html
    return values


def test_no_value_of_one_learner_shows_on_another_learners_lesson_page():
    (a, client_a, attempt_a), (_b, client_b, attempt_b) = _learner_a_and_b()
    url = lesson_url(attempt_a)
    assert url == lesson_url(attempt_b)
    html_a = client_a.get(url).content.decode()
    values = _values_of_a(html_a, a, attempt_a)

    html_b = client_b.get(url).content.decode()
    assert str(attempt_b.public_id) in html_b  # B's own page, with B's own form addresses
    assert answer_url(attempt_b, "q-single") in html_b
    for name, value in values.items():
        assert value not in html_b, f"A's {name} is on B's page"
    assert 'id="lesson-progress" max="2" value="0"' in html_b  # B's own progress


def test_no_value_of_one_learner_shows_on_another_learners_question_fragment():
    (a, client_a, attempt_a), (_b, client_b, attempt_b) = _learner_a_and_b()
    client_a.get(lesson_url(attempt_a))
    response = client_b.post(
        answer_url(attempt_b, "q-multi"),
        {"option": []},
        HTTP_X_LMS_FRAGMENT="1",
    )
    html_b = response.content.decode()
    assert response.status_code == 400
    assert answer_url(attempt_b, "q-multi") in html_b
    for value in (str(attempt_a.public_id), f"{SECRET}-fb-Niemand", a.email, a.full_name):
        assert value not in html_b


def test_the_shared_caches_hold_nothing_of_a_learner():
    (a, client_a, attempt_a), _b = _learner_a_and_b()
    html_a = client_a.get(lesson_url(attempt_a)).content.decode()
    values = _values_of_a(html_a, a, attempt_a)
    fragments = caches["fragments"]
    stored = [pickle.loads(value) for value in fragments._cache.values()]  # noqa: S301
    assert stored, "the lesson body and question markup are kept"
    text = repr(stored)
    for name, value in values.items():
        if name in ("progress", "nav role link"):
            continue  # shapes any page may hold, not A's data
        assert value not in text, f"A's {name} is in the shared cache"


def test_a_role_link_of_one_learner_never_reaches_another():
    (_a, client_a, attempt_a), (b, client_b, attempt_b) = _learner_a_and_b()
    dashboard = reverse("reporting:dashboard")
    assert dashboard in client_a.get(lesson_url(attempt_a)).content.decode()
    assert dashboard not in client_b.get(lesson_url(attempt_b)).content.decode()
    b.groups.add(Group.objects.get(name=roles.PROGRAMME_STAFF))
    assert dashboard in client_b.get(lesson_url(attempt_b)).content.decode()


def test_a_published_change_shows_on_the_next_view(client, user):
    attempt = enrolled(client, user, make_quiz_course())
    client.get(lesson_url(attempt, 1))
    lesson = LessonPage.objects.get(pk=attempt.snapshot["lesson_ids"][1])
    lesson.body = [factories.text("<p>Nieuwe afsluiting.</p>")]
    lesson.save_revision().publish()
    assert "Nieuwe afsluiting." in client.get(lesson_url(attempt, 1)).content.decode()


def test_a_lesson_body_is_rendered_once_per_revision(client, user, django_assert_num_queries):
    attempt = enrolled(client, user, make_quiz_course())
    client.get(lesson_url(attempt, 1))
    client.get(lesson_url(attempt, 1))  # the resume point is this lesson now: no write
    with django_assert_num_queries(5) as kept:
        client.get(lesson_url(attempt, 1))
    # A stale entry can never be used: the key names the live revision.
    LessonPage.objects.get(pk=attempt.snapshot["lesson_ids"][1]).save_revision().publish()
    with django_assert_num_queries(len(kept.captured_queries) + 1):  # + the body, once
        client.get(lesson_url(attempt, 1))
    with django_assert_num_queries(len(kept.captured_queries)):  # and kept again
        client.get(lesson_url(attempt, 1))
