"""The ids of loaded options and ordering items tell a learner nothing about the right answer
(ADR 0008, amended 2026-12-07): not on the lesson page, not in the API; and the ids stay stable
for a deployment."""

import importlib
import shutil
import uuid
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.services import access_token_create
from courses.content_ids import NAMESPACE
from courses.content_loader import DEFAULT_CONTENT_DIR
from courses.models import CoursePage, LessonPage
from courses.selectors import block_questions
from lms import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SLUG = "basistraining-ketenregisseur-mensenhandel"
HOTEL = "hotelpersoneel-herken-seksuele-uitbuiting"
rekey = importlib.import_module("courses.migrations.0002_rekey_list_item_ids")


def load(*paths: str) -> str:
    out = StringIO()
    for path in paths:
        call_command("load_courses", "--path", path, stdout=out, stderr=StringIO())
    return out.getvalue()


def public_position_ids(question_id: str, name: str, count: int) -> set[str]:
    """What anyone can compute from the question id in the form's action: uuid5 of the place."""
    return {str(uuid.uuid5(NAMESPACE, f"{question_id}/{name}/{n}")) for n in range(count + 4)}


def item_ids(course) -> dict[str, list[str]]:
    """Every list item id of the course's lessons, by question id, in content order."""
    result = {}
    for page in LessonPage.objects.descendant_of(course).specific():
        for question in block_questions(page):
            ids = [o["id"] for o in question.get("options", [])]
            ids += [i["id"] for i in question.get("items", [])]
            for scene in question.get("scenes", []):
                ids += [o["id"] for o in scene["options"]]
            result[question["id"]] = ids
    return result


def test_option_and_item_ids_cannot_be_computed_from_the_page_or_the_api():
    load(str(DEFAULT_CONTENT_DIR / f"{SLUG}.nl.yaml"))
    course = CoursePage.objects.get(slug=SLUG)
    user = UserFactory()
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    browser = Client()
    browser.force_login(user)
    pages = "".join(
        browser.get(reverse("lms:lesson", kwargs={"lesson_id": pk})).content.decode()
        for pk in attempt.snapshot["lesson_ids"]
    )
    _token, raw = access_token_create(user=user, name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    payload = api.get(f"/api/v1/attempts/{attempt.public_id}").content.decode()

    questions = [q for q in attempt.questions if q["type"] in ("single_choice", "ordering")]
    assert {q["type"] for q in questions} == {"single_choice", "ordering"}
    for question in questions:
        name = "options" if question["type"] == "single_choice" else "items"
        shown = [entry["id"] for entry in question[name]]
        assert all(option_id in pages and option_id in payload for option_id in shown)
        guessable = public_position_ids(question["id"], name, len(shown))
        # The old derivation: an id named its place in the file (the right answer's place).
        assert not guessable & set(shown), question["id"]
        assert not any(guess in pages or guess in payload for guess in guessable)


def test_ids_are_the_same_on_a_reload_and_in_every_language_version(tmp_path):
    for code in ("nl", "en"):
        name = f"{HOTEL}.{code}.yaml"
        shutil.copy(DEFAULT_CONTENT_DIR / name, tmp_path / name)
    load(str(tmp_path))
    versions = {c.locale.language_code: c for c in CoursePage.objects.filter(slug=HOTEL)}
    before = item_ids(versions["nl"])
    assert before and item_ids(versions["en"]) == before
    output = load(str(tmp_path))
    assert "0 updated" in output and "0 skipped" in output
    assert item_ids(versions["nl"]) == before


def test_the_migration_rekeys_loaded_pages_and_open_attempts_keep_working(settings):
    path = str(DEFAULT_CONTENT_DIR / f"{SLUG}.nl.yaml")
    load(path)
    course = CoursePage.objects.get(slug=SLUG)
    wanted = item_ids(course)
    # A deployment loaded before the fix: the pages (and revisions) carry the public ids.
    rekey.backwards(apps, None)
    legacy = item_ids(course)
    for page in LessonPage.objects.descendant_of(course).specific():
        for question in block_questions(page):
            if question["type"] == "single_choice":
                options = [o["id"] for o in question["options"]]
                assert options == [
                    str(uuid.uuid5(NAMESPACE, f"{question['id']}/options/{n}"))
                    for n in range(len(options))
                ]
    assert legacy != wanted
    user = UserFactory()
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))

    rekey.forwards(apps, None)
    assert item_ids(course) == wanted
    output = load(path)
    assert "0 updated" in output and "0 skipped" in output
    # The open attempt kept its own snapshot: its ids still grade.
    attempt.refresh_from_db()
    question = next(q for q in attempt.questions if q["type"] == "single_choice")
    right = [o["id"] for o in question["options"] if o["correct"]]
    feedback = services.answer_submit(
        attempt=attempt, question_id=question["id"], response={"option_ids": right}
    )
    assert feedback["correct"] is True
