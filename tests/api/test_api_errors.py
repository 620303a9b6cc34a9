"""config/api_errors.py: every domain error becomes a JSON 4xx {"detail", "code", ...}."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import path
from ninja import NinjaAPI, Router
from ninja.testing import TestClient

from accounts.errors import Conflict, Forbidden
from accounts.rate_limits import RETRY_AFTER_SECONDS
from config import api_errors
from lms.errors import LearningError
from organisations.errors import ImportRejected
from trainings.errors import TrainingError

router = Router()


@router.get("/model-invalid")
def model_invalid(request):
    raise ValidationError({"name": ["This field cannot be blank."]})


@router.get("/plain-invalid")
def plain_invalid(request):
    raise ValidationError("Wrong.")


@router.get("/denied")
def denied(request):
    raise PermissionDenied


@router.get("/missing")
def missing(request):
    raise Http404("internal detail")


@router.get("/conflict")
def conflict(request):
    raise Conflict("Already done.", code="done", details={"id": 1})


@router.get("/learning")
def learning(request):
    raise LearningError("Bad.")


@router.get("/training")
def training(request):
    raise TrainingError("Full.", code="session_full", status=409)


@router.get("/organisation")
def organisation(request):
    raise Forbidden("Not yours.")


@router.get("/import")
def rejected_import(request):
    raise ImportRejected("Not imported.", errors=[{"line": 2, "errors": ["Bad."]}])


@router.get("/with-fields")
def with_fields(request):
    raise LearningError("Check.", details={"fields": {"a": ["Bad."]}, "at": "noon"})


@router.get("/number")
def number(request, n: int):
    return {"n": n}


# ninja's TestClient copies header names into META as given: upper-case gives HTTP_ACCEPT_LANGUAGE
ENGLISH = {"ACCEPT-LANGUAGE": "en"}


def make_client() -> TestClient:
    api = NinjaAPI(urls_namespace="errors-test")
    api_errors.register(api)
    api.add_router("", router)
    return TestClient(api)


@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (
            "/model-invalid",
            400,
            {
                "detail": "This field cannot be blank.",
                "code": "invalid",
                "fields": {"name": ["This field cannot be blank."]},
            },
        ),
        ("/plain-invalid", 400, {"detail": "Wrong.", "code": "invalid"}),
        (
            "/denied",
            403,
            {"detail": "You are not allowed to do this.", "code": "permission_denied"},
        ),
        ("/missing", 404, {"detail": "Not found.", "code": "not_found"}),
        ("/conflict", 409, {"detail": "Already done.", "code": "done", "details": {"id": 1}}),
        ("/learning", 400, {"detail": "Bad.", "code": "invalid"}),
        ("/training", 409, {"detail": "Full.", "code": "session_full"}),
        # one body for every app's refusals: unused keys are left out (organisations used to
        # send them as null; ADR 0021, 2026-12-06), a rejected import's rows under `errors`,
        # a validation's messages under `fields`, the rest under `details`
        ("/organisation", 403, {"detail": "Not yours.", "code": "forbidden"}),
        (
            "/import",
            400,
            {
                "detail": "Not imported.",
                "code": "import_rejected",
                "errors": [{"line": 2, "errors": ["Bad."]}],
            },
        ),
        (
            "/with-fields",
            400,
            {
                "detail": "Check.",
                "code": "invalid",
                "fields": {"a": ["Bad."]},
                "details": {"at": "noon"},
            },
        ),
    ],
)
def test_domain_errors_become_json_4xx(client, path, status, body):
    response = client.get(path, headers=ENGLISH)
    assert response.status_code == status
    assert response.json() == body


def test_request_validation_error_has_a_sentence_and_the_details(client):
    response = client.get("/number?n=abc", headers=ENGLISH)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["detail"].startswith("The request is not valid: n: ")
    assert body["errors"][0]["loc"] == ["query", "n"]


@pytest.mark.django_db
def test_answers_follow_the_callers_language():
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me/progress")
    dutch = Client(HTTP_ACCEPT_LANGUAGE="nl").get("/api/v1/me/progress")
    default = Client().get("/api/v1/me/progress")
    assert english["Content-Language"] == "en"
    assert dutch["Content-Language"] == "nl"
    assert default["Content-Language"] == "nl"  # Dutch first
    assert english.json()["code"] == dutch.json()["code"] == "not_authenticated"


def _unavailable(request):
    return HttpResponse("<h1>Unavailable</h1>", status=503)


def _unavailable_for_long(request):
    response = HttpResponse("<h1>Unavailable</h1>", status=503)
    response["Retry-After"] = "300"
    return response


#: Views under /api/ that are not API operations and answer 503 in HTML, as Django would.
urlpatterns = [
    path("api/v1/unavailable", _unavailable),
    path("api/v1/unavailable-for-long", _unavailable_for_long),
    path("unavailable", _unavailable),
]


@pytest.mark.urls(__name__)
def test_every_503_under_the_api_says_when_to_try_again():
    """A 503 under /api/ is JSON with `Retry-After` (the site's pages send the same), whoever
    made it; one that names its own wait keeps it. (The 503 of a token that cannot be checked
    is in tests/cms/test_degraded.py, with Redis really unreachable.)"""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/unavailable")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert client.get("/api/v1/unavailable-for-long")["Retry-After"] == "300"
    # outside /api/ the response is left as the view made it
    assert "Retry-After" not in client.get("/unavailable")
