"""Which language version `POST /courses/{slug}/attempts` starts: the one `?language=` names,
else the version the learner is enrolled in; never a silent switch to Dutch (issue 15)."""

import pytest
from django.test import Client

from accounts.services import access_token_create
from lms.models import Enrolment
from tests.lms.test_read_model import _english

pytestmark = pytest.mark.django_db


def _client(user, language: str) -> Client:
    _token, raw = access_token_create(user=user, name=f"test-{language}")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)


def test_without_language_the_enrolments_version_is_started(user, course):
    english = _english(course)
    assert english.slug == course.slug
    dutch_speaking = _client(user, "nl")
    response = dutch_speaking.post(
        f"/api/v1/courses/{course.slug}/attempts?language=en", content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["course"]["language"] == "en"
    first = response.json()["id"]
    # Again without a language: the English enrolment, not a Dutch one.
    response = dutch_speaking.post(
        f"/api/v1/courses/{course.slug}/attempts", content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["course"]["language"] == "en"
    assert response.json()["id"] == first  # the open attempt
    assert not Enrolment.objects.filter(user=user, course=course).exists()


def test_starting_in_another_language_is_explicit(user, course):
    _english(course)
    client = _client(user, "nl")
    assert (
        client.post(
            f"/api/v1/courses/{course.slug}/attempts?language=en", content_type="application/json"
        ).status_code
        == 201
    )
    response = client.post(
        f"/api/v1/courses/{course.slug}/attempts?language=nl", content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["course"]["language"] == "nl"


def test_a_language_without_a_version_is_not_found(user, course):
    response = _client(user, "nl").post(
        f"/api/v1/courses/{course.slug}/attempts?language=pl", content_type="application/json"
    )
    assert response.status_code == 404


def test_no_enrolment_and_no_version_in_the_requests_language_asks_for_one(user, course):
    _english(course)
    response = _client(user, "pl").post(
        f"/api/v1/courses/{course.slug}/attempts", content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "language_required"
    assert body["details"]["languages"] == ["en", "nl"]


def test_progress_shows_attempts_left_and_passed(user, course):
    client = _client(user, "en")
    client.post(f"/api/v1/courses/{course.slug}/attempts", content_type="application/json")
    (item,) = client.get("/api/v1/me/progress").json()["items"]
    assert item["attempts"] == 0 and item["passed"] is False
    assert item["attempts_left"] is None and item["available_at"] is None
    assert item["resume_lesson"] is not None
