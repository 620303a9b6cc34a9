"""The lesson page is rendered once per state and shared (lms/fragments.shared_page, ADR 0013):
whoever gets a shared copy sees exactly what a fresh render would show them, with their own
attempt, CSRF token and 'shown' time, and anything that changes the page gives a new render."""

import re
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.auth.models import Group
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core import signing
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from courses.models import LessonPage
from lms import fragments, selectors, services
from lms.models import Answer, Enrolment, LessonProgress
from tests import factories
from tests.lms.test_views import (
    answer_url,
    answered_one,
    enrolled,
    lesson_url,
    make_quiz_course,
    option_id,
    shown,
)

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHOWN = re.compile(r'name="shown" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_fragment_cache():
    caches["fragments"].clear()
    yield
    caches["fragments"].clear()


def test_learners_in_the_same_state_share_a_render_but_keep_their_own_values(user, other_user):
    course = make_quiz_course()
    mine_client, theirs_client = Client(), Client(enforce_csrf_checks=True)
    mine = enrolled(mine_client, user, course)
    theirs = enrolled(theirs_client, other_user, course)

    first = mine_client.get(lesson_url(mine))
    assert "lms/lesson.html" in [t.name for t in first.templates]
    second = theirs_client.get(lesson_url(theirs))
    assert second.status_code == 200
    assert second.templates == []  # no template rendered: the shared copy was used
    html = second.content.decode()
    assert "lmspagepersonal" not in html
    assert str(mine.public_id) not in html
    assert user.email not in html and user.full_name not in html
    assert str(theirs.public_id) in html
    assert reverse("lms:attempt", kwargs={"attempt_id": theirs.public_id}) in html
    # Their own 'shown' time, signed for this lesson.
    shown_at = signing.loads(SHOWN.search(html).group(1), salt="lms.lesson.shown")
    assert shown_at["lesson"] == theirs.snapshot["lesson_ids"][0]
    assert abs(shown_at["at"] - timezone.now().timestamp()) < 60
    # Their own CSRF token, accepted with their session cookie.
    token = CSRF.search(html).group(1)
    assert token not in first.content.decode()
    response = theirs_client.post(
        answer_url(theirs, "q-tf"), {"value": "false", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert Answer.objects.filter(attempt=theirs, question_id="q-tf").exists()


def test_a_shared_copy_is_what_a_fresh_render_shows(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    client.get(lesson_url(attempt, 1))
    fresh = client.get(lesson_url(attempt)).content.decode()
    client.get(lesson_url(attempt, 1))  # back and forth: the same state again
    shared = client.get(lesson_url(attempt))
    assert shared.templates == []

    def plain(html: str) -> str:
        return SHOWN.sub("", CSRF.sub("", html))

    assert plain(shared.content.decode()) == plain(fresh)


def test_an_answer_and_a_finished_lesson_change_the_page(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    first = attempt.snapshot["lesson_ids"][0]
    before = client.get(lesson_url(attempt)).content.decode()
    assert shown("done") not in before

    services.answer_submit(
        attempt=attempt,
        question_id="q-single",
        response={"option_ids": [option_id(attempt, "q-single", "Veilig Thuis")]},
    )
    client.post(reverse("lms:lesson_done", kwargs={"lesson_id": first}))
    after = client.get(lesson_url(attempt))
    assert after.templates  # rendered again
    html = after.content.decode()
    assert "GEHEIM-fb-Veilig Thuis" in html
    assert shown("done") in html


def test_a_published_change_shows_on_the_next_view(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    client.get(lesson_url(attempt, 1))
    lesson = LessonPage.objects.get(pk=attempt.snapshot["lesson_ids"][1])
    lesson.body = [factories.text("<p>Nieuwe afsluiting.</p>")]
    lesson.save_revision().publish()
    assert "Nieuwe afsluiting." in client.get(lesson_url(attempt, 1)).content.decode()


def test_a_new_role_link_shows_on_the_lesson_page(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    dashboard = reverse("reporting:dashboard")
    assert dashboard not in client.get(lesson_url(attempt)).content.decode()
    user.groups.add(Group.objects.get(name=roles.PROGRAMME_STAFF))
    assert dashboard in client.get(lesson_url(attempt)).content.decode()


def _request(user):
    request = RequestFactory().get("/leren/les/1/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


PLAIN = {"csrf": "token-1234567890abcdef"}


def _counting(html: str):
    """A render function for `shared_page` that counts its calls."""
    renders: list[int] = []

    def render() -> str:
        renders.append(1)
        return html

    return render, renders


def _share(request, render, personal=PLAIN) -> str:
    return fragments.shared_page(request, material=["m"], render=render, personal=personal)


def test_a_page_with_messages_or_odd_personal_values_is_rendered_for_the_request_only(user):
    render, renders = _counting("<p>page token-1234567890abcdef</p>")
    _share(_request(user), render)
    assert _share(_request(user), render) == "<p>page token-1234567890abcdef</p>"
    assert len(renders) == 1

    with_message = _request(user)
    messages.info(with_message, "Kies eerst een verhaallijn.")
    _share(with_message, render)
    assert len(renders) == 2

    _share(_request(user), render, personal={"csrf": 'token"><script>1234567890'})
    assert len(renders) == 3


def test_a_page_that_shows_who_the_learner_is_is_never_shared(user, other_user):
    render, renders = _counting(f"<p>Welkom {user.full_name}</p>")
    _share(_request(user), render)
    _share(_request(other_user), render)
    assert len(renders) == 2  # rendered again, not handed on


def test_the_lesson_state_comes_in_one_statement(client, user, django_assert_num_queries):
    attempt = answered_one(client, user)
    course = attempt.course
    lesson_id = attempt.snapshot["lesson_ids"][0]
    with django_assert_num_queries(1):
        found = selectors.attempt_for_lesson(user=user, lesson_id=lesson_id)
        assert found.pk == attempt.pk and found.snapshot == attempt.snapshot
        assert found.enrolment.course.title == course.title
        assert found.enrolment.course.locale.language_code == "nl"
        assert found.started_at == attempt.started_at
        (answer,) = found.answers.all()
    assert answer.question_id == "q-single" and answer.is_correct is True
    assert answer.response == Answer.objects.get(pk=answer.pk).response
    assert answer.answered_at == Answer.objects.get(pk=answer.pk).answered_at
    # What was left out still loads when asked for.
    assert found.enrolment.course.summary == course.summary
    assert selectors.attempt_for_lesson(user=factories.UserFactory(), lesson_id=lesson_id) is None


def test_seeing_a_lesson_twice_keeps_one_progress_row(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    enrolment = Enrolment.objects.get(user=user)
    first, second = attempt.snapshot["lesson_ids"]
    services.lesson_seen(enrolment=enrolment, lesson_id=first)
    services.lesson_seen(enrolment=enrolment, lesson_id=second)
    services.lesson_seen(enrolment=enrolment, lesson_id=first)
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 2
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == first
    assert timezone.now() - enrolment.last_activity_at < timedelta(minutes=1)
