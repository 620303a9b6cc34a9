"""lms/api/ (attempts, progress, xapi): enrol, attempts, answers with feedback, scenarios,
submit, progress, xAPI."""

import json
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import access_token_create
from courses.selectors import course_outline
from lms import services
from lms.models import Attempt, Completion, LessonProgress
from tests.conftest import DEADLINE
from tests.factories import LessonFactory, make_course
from tests.factories import text as text_block

from .conftest import first_storyline, right_response, wrong_response

pytestmark = pytest.mark.django_db

#: Keys that carry correctness or feedback in the server-side snapshot.
SECRET_KEYS = {
    "correct",
    "feedback",
    "feedback_true",
    "feedback_false",
    "explanation",
    "recommended",
    "next",
    "correct_value",
    "correct_order",
}


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def start(api, course, **body):
    response = api.post(
        f"/api/v1/courses/{course.slug}/attempts",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def post(api, path, body):
    return api.post(path, data=json.dumps(body), content_type="application/json")


def test_attempt_json_has_no_correct_answers_or_feedback_for_any_question_type(api, course):
    data = start(api, course)
    types = {q["type"] for q in data["questions"]}
    assert types == {"single_choice", "multiple_choice", "true_false", "ordering", "scenario"}
    questions = [dict(q) for q in data["questions"]]
    for question in questions:
        assert not keys_in(question) & SECRET_KEYS, question
    raw = json.dumps(data)
    for secret in ("feedback ", "fb ", "uitleg"):  # the fixtures' feedback and explanations
        assert secret not in raw
    snapshot = Attempt.objects.get(public_id=data["id"]).snapshot["questions"]
    ordering = next(q for q in data["questions"] if q["type"] == "ordering")
    correct_order = next(q for q in snapshot if q["type"] == "ordering")["items"]
    assert [i["id"] for i in ordering["items"]] != [i["id"] for i in correct_order]
    assert sorted(i["id"] for i in ordering["items"]) == sorted(i["id"] for i in correct_order)
    # The same holds when the attempt is read again.
    again = api.get(f"/api/v1/attempts/{data['id']}").json()
    assert not keys_in(again["questions"]) & SECRET_KEYS
    assert again["answers"] == [] and again["review"] == []


def test_answer_returns_feedback_for_that_question_only(api, course):
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    first, second = attempt.graded_questions[:2]
    response = post(
        api,
        f"/api/v1/attempts/{data['id']}/answers",
        {"question_id": first["id"], "response": right_response(first)},
    )
    assert response.status_code == 200, response.content
    feedback = response.json()
    assert feedback["question_id"] == first["id"]
    assert feedback["correct"] is True
    assert {o["feedback"] for o in feedback["options"]} == {o["feedback"] for o in first["options"]}
    raw = json.dumps(feedback)
    assert not any(o["id"] in raw for o in second["options"])
    assert "correct_value" not in feedback  # only the keys of this question type

    after = api.get(f"/api/v1/attempts/{data['id']}").json()
    assert [a["question_id"] for a in after["answers"]] == [first["id"]]
    assert after["answered_count"] == 1
    assert not keys_in(after["questions"]) & SECRET_KEYS


def test_every_question_type_is_graded_with_feedback(api, course):
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    for question in attempt.graded_questions:
        wrong = question["type"] == "true_false"
        response = post(
            api,
            f"/api/v1/attempts/{data['id']}/answers",
            {
                "question_id": question["id"],
                "response": wrong_response(question) if wrong else right_response(question),
            },
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["correct"] is (not wrong)
        if question["type"] == "true_false":
            assert body["correct_value"] is False and body["feedback"] == "ft"
        if question["type"] == "ordering":
            assert [i["id"] for i in body["correct_order"]] == [i["id"] for i in question["items"]]
    result = post(api, f"/api/v1/attempts/{data['id']}/submit", {}).json()
    assert result["status"] == "submitted"
    assert Decimal(result["score"]) == Decimal("80.00")  # 4 of 5
    assert result["passed"] is True
    [review] = result["review"]
    assert review["question"] == "Een minderjarige kan instemmen."
    assert review["lesson"]["title"] == "Verdieping"


def test_scenario_choice_returns_feedback_and_next_scene(api, course):
    data = start(api, course)
    scenario = next(q for q in data["questions"] if q["type"] == "scenario")
    first_scene = next(s for s in scenario["scenes"] if s["key"] == scenario["start"])
    talk = next(o for o in first_scene["options"] if o["text"] == "praten")
    response = post(
        api,
        f"/api/v1/attempts/{data['id']}/scenario-choices",
        {"scenario_id": scenario["id"], "scene_key": first_scene["key"], "option_id": talk["id"]},
    )
    assert response.status_code == 200, response.content
    step = response.json()
    assert step["recommended"] is True and step["feedback"] == "fb praten"
    assert step["next_scene"]["key"] == "s2" and step["ended"] is False
    assert "recommended" not in step["next_scene"]["options"][0]
    after = api.get(f"/api/v1/attempts/{data['id']}").json()
    assert after["scenario_choices"][0]["option_id"] == talk["id"]

    other_scene = next(s for s in scenario["scenes"] if s["key"] == "s2")
    foreign = post(
        api,
        f"/api/v1/attempts/{data['id']}/scenario-choices",
        {"scenario_id": scenario["id"], "scene_key": other_scene["key"], "option_id": talk["id"]},
    )
    assert foreign.status_code == 400
    assert foreign.json()["code"] == "unknown_option"


def test_storyline_up_front_decides_the_questions(api, storyline_course):
    unknown = post(
        api, f"/api/v1/courses/{storyline_course.slug}/attempts", {"storyline": "onbekend"}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_storyline"

    storyline = first_storyline(storyline_course)
    data = start(api, storyline_course, storyline=storyline.slug)
    assert data["storyline"]["id"] == storyline.pk
    assert data["storyline_required"] is False
    assert data["question_count"] == 4  # intro 2 + storyline 2
    # Starting again returns the same open attempt (by id as well as by slug).
    assert start(api, storyline_course, storyline=storyline.pk)["id"] == data["id"]
    assert start(api, storyline_course, storyline=str(storyline.pk))["id"] == data["id"]


def test_intro_first_then_choose_the_storyline(api, user, storyline_course):
    outline = course_outline(course=storyline_course)
    (sexual, _lessons), (criminal, criminal_lessons) = outline.storylines
    started = api.post(
        f"/api/v1/courses/{storyline_course.slug}/attempts", content_type="application/json"
    )
    assert started.status_code == 201
    data = started.json()
    assert data["storyline"] is None and data["storyline_required"] is True
    assert data["question_count"] == 2  # the introduction only
    intro_ids = {lesson.pk for lesson in outline.intro}
    assert {q["lesson_id"] for q in data["questions"]} == intro_ids
    url = f"/api/v1/attempts/{data['id']}"
    attempt = Attempt.objects.get(public_id=data["id"])
    for question in attempt.graded_questions:
        post(
            api,
            f"{url}/answers",
            {"question_id": question["id"], "response": right_response(question)},
        )

    refused = post(api, f"{url}/submit", {})
    assert refused.status_code == 400 and refused.json()["code"] == "storyline_required"

    assert post(api, f"{url}/storyline", {"storyline": "onbekend"}).status_code == 400
    other = make_course(title="Andere", storylines=True)
    foreign = post(api, f"{url}/storyline", {"storyline": first_storyline(other).pk})
    assert foreign.status_code == 400 and foreign.json()["code"] == "unknown_storyline"
    assert post(api, f"{url}/storyline", {}).status_code == 422

    chosen = post(api, f"{url}/storyline", {"storyline": criminal.slug})
    assert chosen.status_code == 200
    body = chosen.json()
    assert body["id"] == data["id"] and body["storyline"]["slug"] == criminal.slug
    assert body["storyline_required"] is False
    assert body["question_count"] == 4 and body["answered_count"] == 2
    assert {q["lesson_id"] for q in body["questions"]} == intro_ids | {criminal_lessons[0].pk}
    assert not keys_in(body["questions"]) & SECRET_KEYS

    # The same storyline again changes nothing; the other one is a conflict.
    again = post(api, f"{url}/storyline", {"storyline": criminal.pk})
    assert again.status_code == 200 and again.json()["question_count"] == 4
    conflict = post(api, f"{url}/storyline", {"storyline": sexual.slug})
    assert conflict.status_code == 409 and conflict.json()["code"] == "storyline_chosen"

    attempt.refresh_from_db()
    for question in attempt.graded_questions[2:]:
        post(
            api,
            f"{url}/answers",
            {"question_id": question["id"], "response": right_response(question)},
        )
    submitted = post(api, f"{url}/submit", {})
    assert submitted.status_code == 200 and submitted.json()["passed"] is True
    assert Completion.objects.filter(user=user).count() == 1
    late = post(api, f"{url}/storyline", {"storyline": criminal.slug})
    assert late.status_code == 409 and late.json()["code"] == "attempt_submitted"


def test_storyline_choice_on_another_learners_attempt_is_404(api, other_user, storyline_course):
    enrolment = services.enrolment_create(user=other_user, course=storyline_course)
    attempt = services.attempt_start(enrolment=enrolment)
    response = post(
        api,
        f"/api/v1/attempts/{attempt.public_id}/storyline",
        {"storyline": first_storyline(storyline_course).slug},
    )
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.storyline_id is None


def test_pass_then_double_submit_yields_one_completion(api, user, storyline_course):
    data = start(api, storyline_course, storyline=first_storyline(storyline_course).slug)
    attempt = Attempt.objects.get(public_id=data["id"])
    early = post(api, f"/api/v1/attempts/{data['id']}/submit", {})
    assert early.status_code == 400
    assert early.json()["code"] == "unanswered_questions"
    assert len(early.json()["details"]["unanswered"]) == 4
    for question in attempt.graded_questions:
        post(
            api,
            f"/api/v1/attempts/{data['id']}/answers",
            {"question_id": question["id"], "response": right_response(question)},
        )
    first = post(api, f"/api/v1/attempts/{data['id']}/submit", {})
    assert first.status_code == 200
    assert first.json()["passed"] is True and Decimal(first.json()["score"]) == 100
    second = post(api, f"/api/v1/attempts/{data['id']}/submit", {})
    assert second.status_code == 409
    assert second.json()["code"] == "attempt_submitted"
    assert Completion.objects.filter(user=user).count() == 1

    late = post(
        api,
        f"/api/v1/attempts/{data['id']}/answers",
        {"question_id": attempt.graded_questions[0]["id"], "response": {"option_ids": []}},
    )
    assert late.status_code in (400, 409)


def test_failed_attempt_lists_what_to_review(api, user, storyline_course):
    data = start(api, storyline_course, storyline=first_storyline(storyline_course).slug)
    attempt = Attempt.objects.get(public_id=data["id"])
    for question in attempt.graded_questions:
        post(
            api,
            f"/api/v1/attempts/{data['id']}/answers",
            {"question_id": question["id"], "response": wrong_response(question)},
        )
    result = post(api, f"/api/v1/attempts/{data['id']}/submit", {}).json()
    assert result["passed"] is False and Decimal(result["score"]) == 0
    assert len(result["review"]) == 4
    assert {r["lesson"]["title"] for r in result["review"]} == {
        "Introductie",
        "Seksuele uitbuiting les",
    }
    assert not Completion.objects.filter(user=user).exists()


def test_another_learners_attempt_is_not_found(api, other_user, course):
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    _token, raw = access_token_create(user=other_user, name="x")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    question = attempt.graded_questions[0]
    responses = [
        other.get(f"/api/v1/attempts/{data['id']}"),
        post(
            other,
            f"/api/v1/attempts/{data['id']}/answers",
            {"question_id": question["id"], "response": right_response(question)},
        ),
        post(other, f"/api/v1/attempts/{data['id']}/submit", {}),
        other.get(f"/api/v1/attempts/{uuid.uuid4()}"),
        other.get("/api/v1/attempts/not-an-id"),
        other.get(f"/api/v1/attempts/{attempt.pk}"),
    ]
    for response in responses:
        assert response.status_code == 404
        assert response.json() == {"detail": "Attempt not found.", "code": "not_found"}
    assert not attempt.answers.exists()
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"


def test_bad_answers_get_a_clear_4xx(api, course):
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    single, other_single = attempt.graded_questions[:2]
    url = f"/api/v1/attempts/{data['id']}/answers"

    foreign = post(
        api,
        url,
        {
            "question_id": single["id"],
            "response": {"option_ids": [other_single["options"][0]["id"]]},
        },
    )
    assert foreign.status_code == 400
    assert foreign.json()["detail"] == "An option does not belong to this question."
    assert foreign.json()["details"] == {"reason": "foreign_option"}

    unknown = post(api, url, {"question_id": "nope", "response": {"option_ids": ["x"]}})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_question"

    not_object = post(api, url, {"question_id": single["id"], "response": "goed"})
    assert not_object.status_code == 400
    assert not_object.json()["detail"] == "The answer must be an object."

    malformed = api.post(url, data="{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json() == {
        "detail": "The request body is not valid JSON.",
        "code": "malformed_body",
    }

    missing = post(api, url, {"response": {"option_ids": []}})
    assert missing.status_code == 422
    assert missing.json()["code"] == "invalid_request"
    assert "question_id" in missing.json()["detail"]

    ok = post(api, url, {"question_id": single["id"], "response": right_response(single)})
    assert ok.status_code == 200
    twice = post(api, url, {"question_id": single["id"], "response": right_response(single)})
    assert twice.status_code == 409 and twice.json()["code"] == "already_answered"


def test_unknown_course_is_404(api):
    for response in (
        api.post("/api/v1/courses/bestaat-niet/enrol"),
        api.post("/api/v1/courses/bestaat-niet/attempts", content_type="application/json"),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "This course does not exist."


def test_enrol_is_idempotent_and_checks_prerequisites(api, user, course):
    assert api.post(f"/api/v1/courses/{course.slug}/enrol").status_code == 200
    assert api.post(f"/api/v1/courses/{course.slug}/enrol").status_code == 200
    assert user.enrolments.count() == 1

    advanced = make_course(title="Vervolg")
    advanced.prerequisites.add(course)
    advanced.save_revision().publish()
    refused = api.post(f"/api/v1/courses/{advanced.slug}/enrol")
    assert refused.status_code == 403
    assert refused.json()["code"] == "prerequisites_missing"
    assert "Alle vraagtypen" in refused.json()["detail"]


def test_retake_rules_are_enforced(api):
    course = make_course(max_attempts=1)
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    for question in attempt.graded_questions:
        post(
            api,
            f"/api/v1/attempts/{data['id']}/answers",
            {"question_id": question["id"], "response": wrong_response(question)},
        )
    assert post(api, f"/api/v1/attempts/{data['id']}/submit", {}).status_code == 200
    again = api.post(f"/api/v1/courses/{course.slug}/attempts", content_type="application/json")
    assert again.status_code == 403
    assert again.json()["code"] == "no_attempts_left"


def test_lesson_visit_and_progress(api, user, storyline_course):
    storyline = first_storyline(storyline_course)
    from courses.selectors import course_outline

    outline = course_outline(course=storyline_course)
    intro = outline.intro[0]
    not_enrolled = post(api, f"/api/v1/lessons/{intro.pk}/visit", {"seconds": 30})
    assert not_enrolled.status_code == 409 and not_enrolled.json()["code"] == "not_enrolled"

    start(api, storyline_course, storyline=storyline.slug)
    visit = post(api, f"/api/v1/lessons/{intro.pk}/visit", {"seconds": 90, "completed": True})
    assert visit.status_code == 200, visit.content
    assert visit.json()["seconds_spent"] == 90 and visit.json()["completed_at"]
    assert LessonProgress.objects.get(lesson=intro).seconds_spent == 90

    negative = post(api, f"/api/v1/lessons/{intro.pk}/visit", {"seconds": -5})
    assert negative.status_code == 422
    assert post(api, "/api/v1/lessons/999999/visit", {}).status_code == 404

    progress = api.get("/api/v1/me/progress").json()
    assert progress["count"] == 1
    [item] = progress["items"]
    assert item["course"]["slug"] == storyline_course.slug
    assert item["storyline"]["slug"] == storyline.slug
    assert item["resume_lesson"] == {"id": intro.pk, "title": intro.title}
    assert (item["lessons_completed"], item["lessons_total"], item["percent"]) == (1, 2, 50)
    assert item["seconds_spent"] == 90
    assert item["open_attempt"] is not None and item["completion"] is None


def test_progress_before_the_storyline_choice_counts_the_lessons_to_come(api, storyline_course):
    """The read model's total (audit): the introduction and one storyline, both storylines
    being one lesson long; with storylines of different length, the note's flag."""
    start(api, storyline_course)  # no storyline yet: the shared introduction
    [item] = api.get("/api/v1/me/progress").json()["items"]
    assert (item["lessons_total"], item["storyline_lessons_uncounted"]) == (2, False)
    longer = first_storyline(storyline_course)
    LessonFactory(parent=longer, title="Tweede les", body=[text_block()])
    Attempt.objects.all().delete()
    start(api, storyline_course)
    [item] = api.get("/api/v1/me/progress").json()["items"]
    assert (item["lessons_total"], item["storyline_lessons_uncounted"]) == (1, True)


def test_progress_is_paginated_and_only_mine(api, user, other_user, django_assert_max_num_queries):
    from lms import services

    courses = [make_course(title=f"Module {i}") for i in range(3)]
    for course in courses:
        services.enrolment_create(user=user, course=course)
    services.enrolment_create(user=other_user, course=courses[0])
    with django_assert_max_num_queries(25):
        page = api.get("/api/v1/me/progress?page_size=2").json()
    assert page["count"] == 3 and len(page["items"]) == 2
    second = api.get("/api/v1/me/progress?page=2&page_size=2").json()
    assert len(second["items"]) == 1
    assert api.get("/api/v1/me/progress?page=0").status_code == 422


ISO_DURATION = re.compile(r"^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def assert_language_map(value):
    assert isinstance(value, dict) and value
    for tag, text in value.items():
        assert LANGUAGE_TAG.match(tag) and isinstance(text, str)


def assert_iri(value):
    assert isinstance(value, str) and re.match(r"^[a-z][a-z0-9+.-]*:", value)


def assert_xapi_statement(statement: dict):
    """The xAPI 1.0.3 statement rules (spec part two, section 2.4) that apply to a statement
    sent to an LRS: required actor/verb/object, id as UUID, IRIs, language maps, score range."""
    allowed = {"id", "actor", "verb", "object", "result", "context", "timestamp", "version"}
    assert set(statement) <= allowed and {"actor", "verb", "object"} <= set(statement)
    assert uuid.UUID(statement["id"]).version in (1, 2, 3, 4, 5)
    actor = statement["actor"]
    assert actor["objectType"] == "Agent"
    identifiers = {"mbox", "mbox_sha1sum", "openid", "account"} & set(actor)
    assert len(identifiers) == 1  # exactly one inverse functional identifier
    if "account" in actor:
        assert set(actor["account"]) == {"homePage", "name"}
        assert actor["account"]["homePage"].startswith(("http://", "https://"))
    assert_iri(statement["verb"]["id"])
    assert_language_map(statement["verb"]["display"])
    activity = statement["object"]
    assert activity["objectType"] == "Activity"
    assert_iri(activity["id"])
    definition = activity["definition"]
    assert_language_map(definition["name"])
    assert_language_map(definition["description"])
    assert_iri(definition["type"])
    result = statement["result"]
    score = result["score"]
    assert -1 <= score["scaled"] <= 1
    assert score["min"] <= score["raw"] <= score["max"]
    assert isinstance(result["success"], bool) and isinstance(result["completion"], bool)
    assert ISO_DURATION.match(result["duration"])
    uuid.UUID(statement["context"]["registration"])
    assert LANGUAGE_TAG.match(statement["context"]["language"])
    stamp = datetime.fromisoformat(statement["timestamp"])
    assert stamp.tzinfo is not None
    assert statement["version"].startswith("1.0.")


def test_xapi_export_of_completions(api, user, storyline_course):
    assert api.get("/api/v1/me/xapi").json() == {"statements": [], "more": ""}
    data = start(api, storyline_course, storyline=first_storyline(storyline_course).slug)
    attempt = Attempt.objects.get(public_id=data["id"])
    for question in attempt.graded_questions:
        post(
            api,
            f"/api/v1/attempts/{data['id']}/answers",
            {"question_id": question["id"], "response": right_response(question)},
        )
    post(api, f"/api/v1/attempts/{data['id']}/submit", {})

    result = api.get("/api/v1/me/xapi").json()
    assert result["more"] == ""
    [statement] = result["statements"]
    assert_xapi_statement(statement)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert statement["result"]["score"]["scaled"] == 1.0
    assert statement["result"]["success"] is True
    assert statement["actor"]["account"]["name"] == str(user.pk)
    assert str(storyline_course.translation_key) in statement["object"]["id"]
    assert statement["context"]["registration"] == data["id"]
    # Stable ids: exporting again gives the same statement, so an LRS keeps one copy.
    assert api.get("/api/v1/me/xapi").json()["statements"][0]["id"] == statement["id"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_attempt_yield_one_completion(user, token, storyline_course):
    """Two clients submit the same attempt at the same moment: one 200, one 409, one completion
    (row lock on PostgreSQL; SQLite in memory cannot run two connections)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent submits need PostgreSQL (set DATABASE_URL)")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    data = start(api, storyline_course, storyline=first_storyline(storyline_course).slug)
    attempt = Attempt.objects.get(public_id=data["id"])
    for question in attempt.graded_questions:
        post(
            api,
            f"/api/v1/attempts/{data['id']}/answers",
            {"question_id": question["id"], "response": right_response(question)},
        )
    barrier = threading.Barrier(2)

    def submit(_n):
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            barrier.wait(timeout=DEADLINE)
            return post(client, f"/api/v1/attempts/{data['id']}/submit", {}).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = sorted(pool.map(submit, range(2)))
    assert codes == [200, 409]
    assert Completion.objects.filter(user=user).count() == 1


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/courses",
        "/api/v1/courses/{slug}",
        "/api/v1/courses/{slug}/enrol",
        "/api/v1/courses/{slug}/attempts",
        "/api/v1/attempts/{attempt_id}/answers",
        "/api/v1/attempts/{attempt_id}/submit",
        "/api/v1/me/progress",
        "/api/v1/me/xapi",
    ):
        assert path in paths
    schemes = schema.json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # Swagger UI comes from our own static files: the site's CSP allows only 'self' scripts.
    assert "cdn.jsdelivr.net" not in docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()


def test_real_course_content_never_leaks_answers(api):
    """Every course in courses/content, taken through the API: questions without answers."""
    from courses.content_loader import courses_load
    from courses.models import CoursePage

    courses_load()
    courses = list(CoursePage.objects.live().filter(locale__language_code="nl"))
    assert courses
    for course in courses:
        detail = api.get(f"/api/v1/courses/{course.slug}?language=nl").json()
        storylines = detail["outline"]["storylines"]
        body = {"storyline": storylines[0]["slug"]} if storylines else {}
        data = start(api, course, **body)
        assert data["questions"], course.slug
        assert not keys_in(data) & SECRET_KEYS, course.slug


def test_attempt_endpoints_stay_within_a_query_budget(api, course, django_assert_max_num_queries):
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    url = f"/api/v1/attempts/{data['id']}"
    for question in attempt.graded_questions:
        with django_assert_max_num_queries(12):
            response = post(
                api,
                f"{url}/answers",
                {"question_id": question["id"], "response": wrong_response(question)},
            )
        assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get(url).status_code == 200
    with django_assert_max_num_queries(20):
        assert post(api, f"{url}/submit", {}).status_code == 200


def test_the_api_and_the_attempt_page_review_the_same_questions(api, client, user, course):
    """One review (`selectors.attempt_review`) behind the API's `review` and the result page."""
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    graded = attempt.graded_questions
    for n, question in enumerate(graded):
        response = right_response(question) if n % 2 else wrong_response(question)
        post(
            api,
            f"/api/v1/attempts/{data['id']}/answers",
            {"question_id": question["id"], "response": response},
        )
    result = post(api, f"/api/v1/attempts/{data['id']}/submit", {}).json()
    expected = [q["id"] for n, q in enumerate(graded) if not n % 2]  # in the attempt's order
    assert [r["question_id"] for r in result["review"]] == expected
    client.force_login(user)
    page = client.get(reverse("lms:attempt", kwargs={"attempt_id": data["id"]}))
    html = page.content.decode()
    for question in graded:
        assert (question["question"] in html) is (question["id"] in expected)


def test_reading_an_attempt_stays_within_its_query_budget(
    api, course, django_assert_max_num_queries
):
    """The token, the attempt, its answers, and while it is open which of its lessons are still
    live; the lessons' titles only for a submitted attempt with something to review."""
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    graded = attempt.graded_questions
    post(
        api,
        f"/api/v1/attempts/{data['id']}/answers",
        {"question_id": graded[0]["id"], "response": wrong_response(graded[0])},
    )
    with django_assert_max_num_queries(4):
        assert api.get(f"/api/v1/attempts/{data['id']}").status_code == 200
    for question in graded[1:]:
        post(
            api,
            f"/api/v1/attempts/{data['id']}/answers",
            {"question_id": question["id"], "response": right_response(question)},
        )
    assert post(api, f"/api/v1/attempts/{data['id']}/submit", {}).status_code == 200
    with django_assert_max_num_queries(4):
        result = api.get(f"/api/v1/attempts/{data['id']}").json()
    assert [r["question_id"] for r in result["review"]] == [graded[0]["id"]]


def test_an_attempt_is_found_by_its_public_id_only(api, course):
    """The one attempt lookup (`selectors.attempt_for_learner`) takes the public id: the row's
    own number is 'not found', like another learner's attempt."""
    data = start(api, course)
    attempt = Attempt.objects.get(public_id=data["id"])
    response = api.get(f"/api/v1/attempts/{attempt.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
