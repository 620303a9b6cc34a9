import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.services import access_token_create
from lms.models import Completion
from tests.factories import UserFactory, give_second_factor, make_course
from trainings import services
from trainings.models import Attendance, Registration, SessionEvaluation

from .conftest import attended, make_format, make_session

pytestmark = pytest.mark.django_db
BASE = "/api/v1/trainings"


def client_for(user) -> Client:
    _token, raw = access_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def test_list_is_public_and_filters_by_region(session):
    other = make_session(
        region=None,
        address="",
        training_format=make_format(delivery="online"),
        online_url="https://meet.example.org/x",
    )
    make_session(is_published=False)
    make_session(is_closed=True)
    page = Client().get(BASE).json()
    assert {item["id"] for item in page["items"]} == {str(session.public_id), str(other.public_id)}
    page = Client().get(BASE, {"region": "utrecht"}).json()
    assert [item["id"] for item in page["items"]] == [str(session.public_id)]
    assert page["items"][0]["places_taken"] == 0
    assert Client().get(BASE, {"region": "atlantis"}).status_code == 400
    assert "online_url" not in page["items"][0]


def test_my_registrations_are_paged_like_every_list(user):
    sessions = [make_session(days=days) for days in (3, 1, 2)]
    for session in sessions:
        Registration.objects.create(session=session, user=user, status="registered")
    Registration.objects.create(session=make_session(days=4), user=user, status="cancelled")
    Registration.objects.create(session=sessions[0], user=UserFactory(), status="registered")
    api = client_for(user)
    first = api.get(f"{BASE}/me/registrations", {"page_size": 2}).json()
    assert (first["count"], first["page"], first["page_size"]) == (3, 1, 2)
    second = api.get(f"{BASE}/me/registrations", {"page": 2, "page_size": 2}).json()
    in_order = [item["session"] for item in first["items"] + second["items"]]
    assert in_order == [str(s.public_id) for s in sorted(sessions, key=lambda s: s.starts_at)]
    assert api.get(f"{BASE}/me/registrations").json()["page_size"] == 20
    for bad in ({"page": 0}, {"page_size": 101}, {"page": "x"}):
        refused = api.get(f"{BASE}/me/registrations", bad)
        assert refused.status_code == 422, bad
        assert refused.json()["code"] == "invalid_request"


def test_detail_of_a_closed_session_needs_the_invitation():
    closed = make_session(is_closed=True)
    assert Client().get(f"{BASE}/{closed.public_id}").status_code == 404
    answer = Client().get(f"{BASE}/{closed.public_id}", {"invitation": closed.invitation_token})
    assert answer.status_code == 200


def test_register_cancel_and_errors(user, session):
    api = client_for(user)
    answer = api.post(f"{BASE}/{session.public_id}/registrations")
    assert answer.status_code == 201 and answer.json()["status"] == "registered"
    again = api.post(f"{BASE}/{session.public_id}/registrations")
    assert again.status_code == 409 and again.json()["code"] == "already_registered"
    assert again.json()["detail"] == "You are already registered for this session."
    mine = api.get(f"{BASE}/me/registrations").json()
    assert mine["items"][0]["session"] == str(session.public_id)
    cancelled = api.delete(f"{BASE}/{session.public_id}/registrations/me")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.delete(f"{BASE}/{session.public_id}/registrations/me").status_code == 404


def test_register_without_login_is_401(session):
    assert Client().post(f"{BASE}/{session.public_id}/registrations").status_code == 401


def test_prerequisite_missing_is_403_with_the_course(user):
    course = make_course(title="BUIT")
    session = make_session(make_format(prerequisite_course=course))
    answer = client_for(user).post(f"{BASE}/{session.public_id}/registrations")
    assert answer.status_code == 403
    assert answer.json()["code"] == "prerequisite_missing"
    assert answer.json()["details"]["course_key"] == str(course.translation_key)
    assert not Registration.objects.exists()


def test_cancel_after_the_deadline_is_403(user):
    session = make_session(days=1)
    api = client_for(user)
    api.post(f"{BASE}/{session.public_id}/registrations")
    answer = api.delete(f"{BASE}/{session.public_id}/registrations/me")
    assert answer.status_code == 403 and answer.json()["code"] == "cancellation_closed"


def test_attendance_only_for_trainers(trainer, user):
    session = make_session(days=-1)
    session.trainers.add(trainer)
    registration = Registration.objects.create(session=session, user=user, status="registered")
    body = json.dumps({"registration": registration.pk, "status": "present"})
    outsider = client_for(UserFactory())
    assert (
        outsider.put(
            f"{BASE}/{session.public_id}/attendance", body, content_type="application/json"
        ).status_code
        == 404
    )
    assert client_for(user).get(f"{BASE}/{session.public_id}/participants").status_code == 404
    api = client_for(trainer)
    assert (
        api.get(f"{BASE}/{session.public_id}/participants", {"q": user.full_name}).json()[0][
            "registration"
        ]
        == registration.pk
    )
    answer = api.put(
        f"{BASE}/{session.public_id}/attendance", body, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["status"] == "present"
    assert Completion.objects.filter(user=user, source="training").exists()


def test_attendance_of_someone_not_registered_is_409(trainer):
    session = make_session(days=-1)
    session.trainers.add(trainer)
    waiting = Registration.objects.create(session=session, user=UserFactory(), status="waiting")
    other_session = Registration.objects.create(
        session=make_session(days=-1), user=UserFactory(), status="registered"
    )
    api = client_for(trainer)
    for registration in (waiting, other_session):
        body = json.dumps({"registration": registration.pk, "status": "present"})
        answer = api.put(
            f"{BASE}/{session.public_id}/attendance", body, content_type="application/json"
        )
        assert answer.status_code == 409 and answer.json()["code"] == "not_registered"
    partial = json.dumps({"registration": waiting.pk, "status": "left"})
    assert (
        api.put(
            f"{BASE}/{session.public_id}/attendance", partial, content_type="application/json"
        ).status_code
        == 422
    )


def test_openapi_documents_the_trainings_operations():
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/trainings/{session_id}/registrations"]["post"]
    assert {"201", "403", "409"} <= set(operation["responses"])


def test_openapi_documents_every_refusal_of_the_trainings_operations():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    documented = {
        (path, method): set(operation["responses"])
        for path, operations in paths.items()
        if path.startswith(BASE)
        for method, operation in operations.items()
    }
    assert len(documented) == 10
    for (path, method), codes in documented.items():
        assert {"400", "422"} <= codes, (path, method)
        if method != "get" or "participants" in path or "/me/" in path or "evaluation" in path:
            assert {"401", "403", "429"} <= codes, (path, method)
        if method in {"post", "put", "delete"}:
            assert {"409", "413"} <= codes, (path, method)
    body = paths[f"{BASE}/{{session_id}}/attendance"]["put"]["requestBody"]
    assert body["content"]["application/json"]["schema"]


def test_parameters_and_bodies_out_of_bounds_are_refused_before_any_work(session, trainer):
    api = client_for(trainer)
    detail = f"{BASE}/{session.public_id}"
    assert Client().get(detail, {"invitation": "x" * 41}).status_code == 422
    assert Client().get(detail, {"invitation": "a\u202eb"}).status_code == 422
    assert Client().get(BASE, {"region": "utrecht\x00"}).status_code == 422
    assert api.get(f"{detail}/participants", {"q": "x" * 101}).status_code == 422
    for body in (
        {"registration": 0, "status": "present"},
        {"registration": 2**63, "status": "present"},
        {"registration": 1, "status": "present", "extra": 1},
        [None, None],
    ):
        answer = api.put(f"{detail}/attendance", json.dumps(body), content_type="application/json")
        assert answer.status_code == 422, body


# ----------------------------------------------------------------------------- evaluation

EVALUATION = {
    "usefulness": 4,
    "trainer_clarity": 5,
    "confidence": 3,
    "would_recommend": True,
    "comment": "Duidelijke casussen.",
}


def _started(training_format=None, *, days_ago: float = 0):
    starts_at = timezone.now() - timedelta(days=days_ago, hours=3)
    return make_session(
        training_format,
        days=0,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )


def _evaluate(api: Client, session, body=None):
    return api.post(
        f"{BASE}/{session.public_id}/evaluation",
        json.dumps(EVALUATION if body is None else body),
        content_type="application/json",
    )


def test_an_attended_participant_evaluates_once_through_the_api(user):
    session = _started()
    registration = attended(session, user, status=Attendance.Status.PARTIAL)
    api = client_for(user)
    answer = _evaluate(api, session)
    assert answer.status_code == 201
    assert answer.json() == {"session": str(session.public_id), "evaluated": True}
    stored = SessionEvaluation.objects.get()
    assert (stored.usefulness, stored.comment) == (4, "Duidelijke casussen.")
    registration.refresh_from_db()
    assert registration.evaluated
    twice = _evaluate(api, session)
    assert twice.status_code == 409 and twice.json()["code"] == "already_evaluated"
    assert SessionEvaluation.objects.count() == 1


@pytest.mark.parametrize("case", ["no_registration", "absent", "not_marked", "waiting"])
def test_who_did_not_attend_gets_403_and_nothing_is_stored(user, case):
    session = _started()
    if case == "absent":
        attended(session, user, status=Attendance.Status.ABSENT)
    elif case == "not_marked":
        Registration.objects.create(session=session, user=user, status="registered")
    elif case == "waiting":
        Registration.objects.create(session=session, user=user, status="waiting")
    answer = _evaluate(client_for(user), session)
    assert answer.status_code == 403 and answer.json()["code"] == "not_attended"
    assert not SessionEvaluation.objects.exists()


def test_a_closed_evaluation_is_403(user):
    before = make_session(days=1)
    attended(before, user)
    after = _started(days_ago=29)
    attended(after, user)
    api = client_for(user)
    for session in (before, after):
        answer = _evaluate(api, session)
        assert answer.status_code == 403 and answer.json()["code"] == "evaluation_closed", session
    assert not SessionEvaluation.objects.exists()
    assert not Registration.objects.filter(evaluated=True).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"usefulness": 0},
        {"usefulness": 6},
        {"confidence": "4"},
        {"trainer_clarity": True},
        {"would_recommend": "yes"},
        {"comment": "x" * 1001},
        {"comment": "a\u202eb"},
        {"extra": 1},
        {"usefulness": None},
    ],
)
def test_bad_values_are_422_and_nothing_is_stored(user, change):
    session = _started()
    attended(session, user)
    answer = _evaluate(client_for(user), session, {**EVALUATION, **change})
    assert answer.status_code == 422, change
    assert not SessionEvaluation.objects.exists()
    assert not Registration.objects.filter(evaluated=True).exists()


def test_evaluation_needs_a_login_and_a_visible_session(user):
    session = _started()
    assert _evaluate(Client(), session).status_code == 401
    closed = _started()
    closed.is_closed = True
    closed.save()
    assert _evaluate(client_for(user), closed).status_code == 404


def _five_answers(session, **overrides):
    for usefulness in (5, 4, 4, 3, 5):
        services.evaluation_submit(
            registration=attended(session),
            **{**EVALUATION, "usefulness": usefulness, **overrides},
        )


def test_the_organiser_reads_results_per_session_and_per_format(trainer):
    fmt = make_format()
    fmt.organisers.add(trainer)
    shown, small = _started(fmt), _started(fmt)
    _five_answers(shown)
    services.evaluation_submit(registration=attended(small), **{**EVALUATION, "comment": "Ik"})
    api = client_for(trainer)

    result = api.get(f"{BASE}/{shown.public_id}/evaluation/results").json()
    assert result["answers"] == 5 and not result["suppressed"]
    assert result["recommend_percent"] == 100
    usefulness = result["questions"][0]
    assert usefulness["question"] == "usefulness" and usefulness["average"] == 4.2
    assert usefulness["distribution"][3] == {"score": 4, "answers": 2, "percent": 40}
    assert result["comments"] == ["Duidelijke casussen."] * 5

    hidden = api.get(f"{BASE}/{small.public_id}/evaluation/results").json()
    assert hidden == {
        "answers": "<5",
        "suppressed": True,
        "recommend_percent": None,
        "questions": [],
        "comments": [],
        "session": str(small.public_id),
        "starts_at": hidden["starts_at"],
    }

    overview = api.get(f"{BASE}/formats/{fmt.translation_key}/evaluation/results").json()
    assert overview["training_key"] == str(fmt.translation_key)
    assert overview["total"]["answers"] == 5  # the small session is not in the total
    assert "Ik" not in overview["total"]["comments"]
    assert [(row["session"], row["answers"]) for row in overview["sessions"]] == [
        (str(shown.public_id), 5),
        (str(small.public_id), "<5"),
    ]
    assert all(row["comments"] == [] for row in overview["sessions"])


def test_evaluation_results_are_404_for_everyone_else(trainer, user):
    fmt = make_format()
    fmt.organisers.add(trainer)
    session = _started(fmt)
    _five_answers(session)
    # a trainer through the session only: the results are a staff area (ADR 0022)
    session_trainer = give_second_factor(UserFactory())
    session.trainers.add(session_trainer)
    participant = session.registrations.first().user
    session_url = f"{BASE}/{session.public_id}/evaluation/results"
    format_url = f"{BASE}/formats/{fmt.translation_key}/evaluation/results"
    for person in (user, participant):
        api = client_for(person)
        assert api.get(session_url).status_code == 404
        assert api.get(format_url).status_code == 404
    # a session's trainer reads that session, not the whole training
    assert client_for(session_trainer).get(session_url).status_code == 200
    assert client_for(session_trainer).get(format_url).status_code == 404
    assert Client().get(session_url).status_code == 401
    assert (
        client_for(trainer)
        .get(f"{BASE}/formats/{session.public_id}/evaluation/results")
        .status_code
        == 404
    )


# ----------------------------------------------------------------------------- xAPI


def test_a_completed_training_is_in_my_xapi_export(trainer):
    participant = UserFactory(preferred_language="en", full_name="Pim Participant")
    session = make_session(days=-1)
    session.trainers.add(trainer)
    registration = Registration.objects.create(
        session=session, user=participant, status="registered"
    )
    body = json.dumps({"registration": registration.pk, "status": "present"})
    assert (
        client_for(trainer)
        .put(f"{BASE}/{session.public_id}/attendance", body, content_type="application/json")
        .status_code
        == 200
    )
    completion = Completion.objects.get(user=participant, source="training")

    api = client_for(participant)
    result = api.get("/api/v1/me/xapi").json()
    [statement] = result["statements"]
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attended"
    assert statement["object"]["id"].endswith(
        f"/xapi/activities/training/{session.training_format.translation_key}"
    )
    definition = statement["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/meeting"
    assert definition["name"] == {"en": completion.title}
    assert statement["result"] == {"success": True, "completion": True}
    assert statement["actor"]["account"]["name"] == str(participant.pk)
    assert statement["actor"]["name"] == "Pim Participant"
    assert statement["context"]["language"] == "en"
    assert "registration" not in statement["context"]  # there is no attempt to name
    assert statement["timestamp"] == completion.completed_at.isoformat()
    assert statement["version"] == "1.0.3"
    # stable: exporting again gives the same statement id
    assert api.get("/api/v1/me/xapi").json()["statements"][0]["id"] == statement["id"]
    # the trainer attended nothing
    assert client_for(trainer).get("/api/v1/me/xapi").json()["statements"] == []


def test_the_session_list_is_paginated():
    sessions = [make_session(days=1 + i) for i in range(3)]
    page = Client().get(BASE, {"page_size": 2}).json()
    assert (page["count"], page["page"], page["page_size"]) == (3, 1, 2)
    assert [item["id"] for item in page["items"]] == [str(s.public_id) for s in sessions[:2]]
    second = Client().get(BASE, {"page_size": 2, "page": 2}).json()
    assert [item["id"] for item in second["items"]] == [str(sessions[2].public_id)]
    assert Client().get(BASE, {"page": 0}).status_code == 422
    assert Client().get(BASE, {"page_size": 10_000}).status_code == 422
