"""The API keeps its contract under hostile input (issue 18): every case answers a documented 4xx
in the JSON error shape, nothing is stored, never a 500. The same tests run on SQLite and, with
DATABASE_URL set, on PostgreSQL (whose refusal of NUL and of integers beyond 64 bits used to
surface as a 500); `test_postgres_refuses_what_the_schema_keeps_out` proves on PostgreSQL that
these values would indeed have reached the database refusal."""

import json
import logging

import pytest
from django.conf import settings
from django.db import DataError, connection, transaction
from django.test import Client
from django.urls import path
from django.utils import translation

from accounts.api_schema import MAX_PAGE
from organisations.models import Invitation, Organisation
from tests.api.conftest import first_storyline

pytestmark = pytest.mark.django_db

BIG = 2**63 - 1
BEYOND_64_BITS = 2**70
NUL = "Hotel\x00Noord"


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code
    assert "Traceback" not in response.text
    return body


@pytest.fixture
def as_manager(manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    return client


# ----------------------------------------------------------------------------- page numbers


def test_huge_page_of_the_catalogue_is_422(client):
    body = assert_json_error(client.get(f"/api/v1/courses?page={BIG}"), 422, "invalid_request")
    assert body["errors"][0]["loc"] == ["query", "page"]
    assert client.get(f"/api/v1/courses?page={MAX_PAGE}").json()["items"] == []


@pytest.mark.parametrize("path", ["/api/v1/me/progress", "/api/v1/me/xapi"])
@pytest.mark.parametrize("page", [BIG, BEYOND_64_BITS, MAX_PAGE + 1, 0, -1])
def test_huge_or_negative_pages_of_my_lists_are_422(api, path, page):
    assert_json_error(api.get(f"{path}?page={page}"), 422, "invalid_request")


@pytest.mark.parametrize("path", ["/api/v1/me/progress", "/api/v1/me/xapi"])
def test_the_last_allowed_page_is_an_empty_page(api, path):
    assert api.get(f"{path}?page={MAX_PAGE}").status_code == 200


def test_unknown_audience_and_sector_codes_are_422(client):
    assert_json_error(client.get("/api/v1/courses?audience=pirates"), 422, "invalid_request")
    assert_json_error(client.get("/api/v1/courses?sector=atlantis"), 422, "invalid_request")
    assert client.get("/api/v1/courses?audience=hotel_staff&sector=hotel").status_code == 200


# ----------------------------------------------------------------------------- integers, bodies


def test_storyline_beyond_64_bits_is_422(api, storyline_course):
    url = f"/api/v1/courses/{storyline_course.slug}/attempts"
    for storyline in (BEYOND_64_BITS, BIG + 1, -1, 0):
        response = api.post(url, {"storyline": storyline}, content_type="application/json")
        assert_json_error(response, 422, "invalid_request")
    # as digits in a string it is no id at all: an unknown storyline
    response = api.post(url, {"storyline": "9" * 30}, content_type="application/json")
    assert_json_error(response, 400, "unknown_storyline")


def test_choosing_a_storyline_beyond_64_bits_is_422(api, storyline_course):
    started = api.post(
        f"/api/v1/courses/{storyline_course.slug}/attempts", content_type="application/json"
    )
    assert started.status_code == 201
    url = f"/api/v1/attempts/{started.json()['id']}/storyline"
    response = api.post(url, {"storyline": BEYOND_64_BITS}, content_type="application/json")
    assert_json_error(response, 422, "invalid_request")
    response = api.post(url, {"storyline": "1" * 40}, content_type="application/json")
    assert_json_error(response, 400, "unknown_storyline")
    chosen = api.post(
        url, {"storyline": first_storyline(storyline_course).slug}, content_type="application/json"
    )
    assert chosen.status_code == 200


@pytest.mark.parametrize("body", ["[null, null]", "[]", '"storyline"', "42", "true"])
def test_a_body_that_is_not_an_object_is_422(api, course, user, body):
    url = f"/api/v1/courses/{course.slug}/attempts"
    response = api.post(url, body, content_type="application/json")
    assert_json_error(response, 422, "invalid_request")
    assert not user.enrolments.exists()


def test_lesson_ids_beyond_64_bits_are_400(api):
    response = api.post(
        f"/api/v1/lessons/{BEYOND_64_BITS}/visit", {"seconds": 1}, content_type="application/json"
    )
    assert_json_error(response, 400, "malformed_id")


# ----------------------------------------------------------------------------- NUL bytes


def test_nul_in_a_new_organisation_is_422_and_nothing_is_stored(as_manager):
    before = Organisation.objects.count()
    for field in ("name", "municipality", "address", "kvk_number", "region"):
        data = {"name": "Hotel", "municipality": "Ede", field: NUL}
        response = as_manager.post("/api/v1/organisations", data, content_type="application/json")
        body = assert_json_error(response, 422, "invalid_request")
        assert body["errors"][0]["loc"][-1] == field
    assert Organisation.objects.count() == before


def test_nul_in_an_organisation_patch_is_422(as_manager, organisation):
    url = f"/api/v1/organisations/{organisation.pk}"
    for field in ("name", "municipality", "address"):
        response = as_manager.patch(url, {field: NUL}, content_type="application/json")
        assert_json_error(response, 422, "invalid_request")
    organisation.refresh_from_db()
    assert organisation.name == "Hotel Zuid"


@pytest.mark.parametrize(
    "data",
    [
        {"email": "nul\x00@example.org"},
        {"email": "ok@example.org", "full_name": NUL},
        {"email": "ok@example.org", "full_name": "Ali\u202eegap"},
        {"email": "ok@example.org", "role": "other\x00"},
    ],
)
def test_nul_or_direction_controls_in_an_invitation_are_422(as_manager, organisation, data):
    url = f"/api/v1/organisations/{organisation.pk}/invitations"
    response = as_manager.post(url, data, content_type="application/json")
    assert_json_error(response, 422, "invalid_request")
    assert not Invitation.objects.filter(organisation=organisation).exists()


def test_nul_in_an_imported_csv_rejects_the_file(as_manager, organisation):
    url = f"/api/v1/organisations/{organisation.pk}/members/import"
    content = "name,email,role\nAn\x00na,anna@example.org,reception\n"
    response = as_manager.post(url, content, content_type="text/csv")
    body = assert_json_error(response, 400, "import_rejected")
    assert body["errors"][0]["line"] == 2
    assert not Invitation.objects.filter(organisation=organisation).exists()


def test_nul_in_a_path_is_400(api, as_manager):
    assert_json_error(api.get("/api/v1/courses/a%00b"), 400, "malformed_id")
    assert_json_error(api.get("/api/v1/attempts/a%00b"), 400, "malformed_id")


# ----------------------------------------------------------------------------- ids, paths, sizes


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/organisations/false/join-link"),
        ("get", "/api/v1/organisations/null%2Cnull"),
        ("get", f"/api/v1/organisations/{BEYOND_64_BITS}"),
        ("get", "/api/v1/organisations/0"),
        ("get", "/api/v1/organisations/-5/members"),
    ],
)
@pytest.mark.parametrize("debug", [False, True])
def test_malformed_ids_are_400(as_manager, settings, method, path, debug):
    settings.DEBUG = debug
    assert_json_error(getattr(as_manager, method)(path), 400, "malformed_id")


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/nope/", "/api/v2/courses", "/api/"])
@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_paths_are_json_404(client, settings, path, debug):
    settings.DEBUG = debug
    assert_json_error(client.get(path), 404, "not_found")


def test_a_method_the_path_does_not_take_is_json_405(client):
    response = client.delete("/api/v1/courses")
    assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_body_over_the_upload_limit_is_json_413(api, course):
    too_big = json.dumps({"storyline": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = api.post(
        f"/api/v1/courses/{course.slug}/attempts", too_big, content_type="application/json"
    )
    assert_json_error(response, 413, "request_too_large")


def test_errors_follow_the_callers_language(client):
    english = client.get("/api/v1/nope", HTTP_ACCEPT_LANGUAGE="en")
    dutch = client.get("/api/v1/nope", HTTP_ACCEPT_LANGUAGE="nl")
    assert english.json()["detail"] == "Not found."
    assert dutch["Content-Language"] == "nl"


# The catalogues' own words, written out: computing them with gettext would pass on a missing
# translation too.
IN_EACH_LANGUAGE = {
    "nl": {
        404: "Niet gevonden.",
        405: "Dit adres accepteert deze methode niet.",
        401: "Je moet ingelogd zijn: log in, of stuur een persoonlijk toegangstoken mee als "
        "'Authorization: Bearer <token>'.",
    },
    "en": {
        404: "Not found.",
        405: "This address does not accept this method.",
        401: "Authentication required: log in, or send a personal access token as "
        "'Authorization: Bearer <token>'.",
    },
    "pl": {
        404: "Nie znaleziono.",
        405: "Ten adres nie obsługuje tej metody.",
        401: "Wymagane uwierzytelnienie: zaloguj się albo wyślij osobisty token dostępu jako "
        "„Authorization: Bearer <token>”.",
    },
    "es": {
        404: "No encontrado.",
        405: "Esta dirección no acepta este método.",
        401: "Se requiere autenticación: inicia sesión o envía un token de acceso personal como "
        "«Authorization: Bearer <token>».",
    },
}


@pytest.mark.parametrize("language", IN_EACH_LANGUAGE)
def test_refusals_answer_in_each_language(client, language):
    """An unknown address (the catch-all view), a method the path does not take (Django's answer,
    converted by the middleware) and a refusal inside an operation (its exception handler)."""
    expected = IN_EACH_LANGUAGE[language]
    responses = {
        404: client.get("/api/v1/nope", HTTP_ACCEPT_LANGUAGE=language),
        405: client.delete("/api/v1/courses", HTTP_ACCEPT_LANGUAGE=language),
        401: client.get("/api/v1/me/progress", HTTP_ACCEPT_LANGUAGE=language),
    }
    for status, response in responses.items():
        assert assert_json_error(response, status)["detail"] == expected[status]
        assert response["Content-Language"] == language


class FailingMiddleware:
    """A middleware inside ApiErrorMiddleware that breaks, with personal data in its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise RuntimeError("broke on jan.jansen@example.org")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("language", ["nl", "pl"])
def test_an_error_in_another_middleware_is_a_json_500_with_a_logged_error_id(
    settings, caplog, debug, language
):
    """Django answers an error in a middleware itself (HTML, a technical page with DEBUG on);
    under /api/ the caller gets the JSON 500 in their language, with an error id in the log."""
    settings.DEBUG = debug
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        f"{__name__}.FailingMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    with caplog.at_level(logging.ERROR, logger="config.api"):
        response = client.get("/api/v1/courses")
    body = assert_json_error(response, 500, "server_error")
    assert response["Content-Language"] == language
    with translation.override(language):
        assert body["detail"] == translation.gettext(
            "Something went wrong on our side. If it keeps happening, contact us and mention "
            "error %(error_id)s."
        ) % {"error_id": body["error_id"]}
    assert body["detail"] != (
        "Something went wrong on our side. If it keeps happening, contact us and mention "
        f"error {body['error_id']}."
    )
    api_log = [r.getMessage() for r in caplog.records if r.name == "config.api"]
    assert any(body["error_id"] in line for line in api_log)
    assert not any("jan.jansen" in line for line in api_log)
    # outside /api/ Django's own error page stays
    assert client.get("/").status_code == 500
    assert not client.get("/")["Content-Type"].startswith("application/json")


def _broken_view(request):
    raise RuntimeError("broke on jan.jansen@example.org")


#: A view under /api/ that is not an API operation (the operations answer their own errors).
urlpatterns = [path("api/v1/broken", _broken_view)]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True])
def test_an_error_in_a_view_outside_the_operations_is_a_json_500_without_pii_in_the_log(
    settings, caplog, debug
):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="es")
    with caplog.at_level(logging.INFO):
        response = client.get("/api/v1/broken")
    body = assert_json_error(response, 500, "server_error")
    assert response["Content-Language"] == "es"
    assert body["detail"].startswith("Algo")
    assert body["error_id"] in caplog.text
    assert "RuntimeError" in caplog.text
    assert "jan.jansen" not in caplog.text


# ----------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_postgres_refuses_what_the_schema_keeps_out(as_manager):
    """On PostgreSQL a NUL in a text column and a page offset beyond bigint are database errors:
    the values the schema refuses would have been 500s."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    with pytest.raises(DataError), transaction.atomic():
        Organisation.objects.create(name=NUL, municipality="Ede")
    with pytest.raises(DataError), transaction.atomic():
        list(Organisation.objects.all()[BIG * 20 : BIG * 20 + 20])
    response = as_manager.post(
        "/api/v1/organisations",
        {"name": NUL, "municipality": "Ede"},
        content_type="application/json",
    )
    assert_json_error(response, 422, "invalid_request")


# ----------------------------------------------------------------------------- the last resort


def test_an_unexpected_error_is_a_json_500_with_an_error_id_and_no_pii_in_the_log(settings, caplog):
    """An operation that fails unexpectedly (here: a router made for the test) answers a JSON
    500 with an error id, also with DEBUG on; the log has the id and the stack, not the message
    (which can hold personal data)."""
    from ninja import NinjaAPI, Router
    from ninja.testing import TestClient

    from config import api_errors

    router = Router()

    @router.get("/boom")
    def boom(request):
        raise RuntimeError("secret@example.org is involved")

    test_api = NinjaAPI(urls_namespace="hostile-test")
    api_errors.register(test_api)
    test_api.add_router("", router)
    settings.DEBUG = True
    with caplog.at_level(logging.ERROR, logger="config.api"):
        response = TestClient(test_api).get("/boom")
    body = assert_json_error(response, 500, "server_error")
    assert body["error_id"] in body["detail"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert body["error_id"] in logged and "RuntimeError" in logged
    assert "secret@example.org" not in logged
