"""accounts/api_auth.py: personal access tokens, session + CSRF, rate limit on bad tokens."""

import pytest
from django.test import Client

from accounts.api_auth import TOKEN_FAILURES
from accounts.models import PersonalAccessToken
from accounts.services import access_token_revoke

pytestmark = pytest.mark.django_db

CSRF = "A" * 32  # a valid unmasked CSRF secret, as the csrftoken cookie carries it


def test_anonymous_caller_gets_401_with_json_error(course):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me/progress")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert "Authorization: Bearer" in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    post = Client().post(f"/api/v1/courses/{course.slug}/enrol")
    assert post.status_code == 401


def test_token_authenticates_and_needs_no_csrf(api, user, course):
    response = api.post(f"/api/v1/courses/{course.slug}/enrol")
    assert response.status_code == 200, response.content
    assert response.json()["course"]["slug"] == course.slug
    assert user.enrolments.count() == 1
    assert api.get("/api/v1/me/progress").json()["count"] == 1


def test_revoked_token_is_refused(api, user):
    assert api.get("/api/v1/me/progress").status_code == 200
    access_token_revoke(token=PersonalAccessToken.objects.get(user=user))
    response = api.get("/api/v1/me/progress")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_of_inactive_user_is_refused(api, user):
    user.is_active = False
    user.save()
    assert api.get("/api/v1/me/progress").status_code == 401


def test_session_get_works_without_csrf_but_post_needs_it(user, course):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    assert client.get("/api/v1/me/progress").status_code == 200

    refused = client.post(f"/api/v1/courses/{course.slug}/enrol")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed" and "CSRF" in refused.json()["detail"]
    assert user.enrolments.count() == 0

    client.cookies["csrftoken"] = CSRF
    wrong = client.post(f"/api/v1/courses/{course.slug}/enrol", HTTP_X_CSRFTOKEN="B" * 32)
    assert wrong.status_code == 403

    accepted = client.post(f"/api/v1/courses/{course.slug}/enrol", HTTP_X_CSRFTOKEN=CSRF)
    assert accepted.status_code == 200
    assert user.enrolments.count() == 1


def test_invalid_token_falls_back_to_session(user, course):
    client = Client(HTTP_AUTHORIZATION="Bearer stm_not-a-token")
    client.force_login(user)
    assert client.get("/api/v1/me/progress").status_code == 200


def test_repeated_bad_tokens_are_rate_limited(token):
    bad = Client(HTTP_AUTHORIZATION="Bearer stm_guess", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(TOKEN_FAILURES.limit):
        assert bad.get("/api/v1/me/progress").status_code == 401
    limited = bad.get("/api/v1/me/progress")
    assert limited.status_code == 429
    assert limited.json()["code"] == "too_many_token_failures"
    assert "Too many invalid access tokens" in limited.json()["detail"]
    # the rest of the address's window (an hour in the test settings), not a guess
    assert 1 <= int(limited["Retry-After"]) <= TOKEN_FAILURES.seconds
    assert abs(int(limited["Retry-After"]) - TOKEN_FAILURES.retry_after()) <= 1
    # While the address is blocked even a good token is refused: guessing cannot go on.
    good = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert good.get("/api/v1/me/progress").status_code == 429


def test_good_tokens_are_not_counted(token):
    good = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for _ in range(TOKEN_FAILURES.limit + 2):
        assert good.get("/api/v1/me/progress").status_code == 200


@pytest.mark.parametrize(
    ("path", "method"),
    [("/api/v1/me/progress", "get"), ("/api/v1/attempts/{attempt_id}/answers", "post")],
)
def test_the_schema_documents_the_503_of_an_unchecked_token(client, path, method):
    """A token operation answers 503 while the rate-limit store is down
    (tests/cms/test_degraded.py); its schema says so, with the error body."""
    responses = client.get("/api/v1/openapi.json").json()["paths"][path][method]["responses"]
    assert "503" in responses
    assert responses["503"]["content"] == responses["401"]["content"]
