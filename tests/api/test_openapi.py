"""The OpenAPI document of /api/v1/: its operation ids are part of the contract (clients
generate their method names from them), so they are pinned here. django-ninja derives an id
from the module and function unless `operation_id` is set: moving an operation to another
module (lms/api/ by concern, ADR 0021) must not change it."""

import pytest
from django.test import Client

#: (method, path) -> operationId of every operation published before the learning API was split.
OPERATION_IDS = {
    ("get", "/api/v1/attempts/{attempt_id}"): "lms_api_get_attempt",
    ("post", "/api/v1/attempts/{attempt_id}/answers"): "lms_api_answer",
    ("post", "/api/v1/attempts/{attempt_id}/scenario-choices"): "lms_api_choose",
    ("post", "/api/v1/attempts/{attempt_id}/storyline"): "lms_api_choose_storyline",
    ("post", "/api/v1/attempts/{attempt_id}/submit"): "lms_api_submit",
    ("get", "/api/v1/certificates/{code}"): "certificates_api_certificate_verify",
    ("get", "/api/v1/courses"): "courses_api_list_courses",
    ("get", "/api/v1/courses/{slug}"): "courses_api_get_course",
    ("post", "/api/v1/courses/{slug}/attempts"): "lms_api_start_attempt",
    ("post", "/api/v1/courses/{slug}/enrol"): "lms_api_enrol",
    ("post", "/api/v1/lessons/{lesson_id}/visit"): "lms_api_visit_lesson",
    ("get", "/api/v1/me/progress"): "lms_api_my_progress",
    ("get", "/api/v1/me/xapi"): "lms_api_my_xapi",
    ("post", "/api/v1/organisations"): "organisations_api_organisation_create",
    ("get", "/api/v1/organisations/{organisation_id}"): "organisations_api_organisation_detail",
    ("patch", "/api/v1/organisations/{organisation_id}"): "organisations_api_organisation_patch",
    (
        "get",
        "/api/v1/organisations/{organisation_id}/certification",
    ): "organisations_api_organisation_certification",
    (
        "put",
        "/api/v1/organisations/{organisation_id}/counting-courses",
    ): "organisations_api_organisation_counting_courses",
    (
        "post",
        "/api/v1/organisations/{organisation_id}/invitations",
    ): "organisations_api_organisation_invite",
    (
        "get",
        "/api/v1/organisations/{organisation_id}/join-link",
    ): "organisations_api_organisation_join_link",
    (
        "post",
        "/api/v1/organisations/{organisation_id}/join-link",
    ): "organisations_api_organisation_join_link_rotate",
    (
        "post",
        "/api/v1/organisations/{organisation_id}/managers",
    ): "organisations_api_organisation_manager_invite",
    (
        "get",
        "/api/v1/organisations/{organisation_id}/members",
    ): "organisations_api_organisation_member_list",
    (
        "post",
        "/api/v1/organisations/{organisation_id}/members/import",
    ): "organisations_api_organisation_members_import",
    ("get", "/api/v1/reports/targets"): "reporting_api_list_targets",
    ("get", "/api/v1/reports/targets/{target_id}/timeseries"): "reporting_api_target_timeseries",
    ("get", "/api/v1/trainings"): "trainings_api_session_list",
    ("get", "/api/v1/trainings/me/registrations"): "trainings_api_my_registrations",
    ("get", "/api/v1/trainings/{session_id}"): "trainings_api_session_detail",
    ("put", "/api/v1/trainings/{session_id}/attendance"): "trainings_api_attendance_mark",
    ("get", "/api/v1/trainings/{session_id}/participants"): "trainings_api_participants",
    ("post", "/api/v1/trainings/{session_id}/registrations"): "trainings_api_register",
    ("delete", "/api/v1/trainings/{session_id}/registrations/me"): "trainings_api_cancel",
}


@pytest.fixture(scope="module")
def document():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operation_ids(document) -> dict[tuple[str, str], str]:
    return {
        (method, path): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }


def test_every_published_operation_keeps_its_operation_id(document):
    published = _operation_ids(document)
    assert {key: published.get(key) for key in OPERATION_IDS} == OPERATION_IDS


def test_operation_ids_are_unique(document):
    ids = list(_operation_ids(document).values())
    assert len(ids) == len(set(ids))
