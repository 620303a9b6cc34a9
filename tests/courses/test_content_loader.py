"""The course content files load as normal Wagtail pages, idempotently and all-or-nothing, and
every course is complete and can be passed and failed on every path in every language."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from courses.blocks import scenario_graph_errors
from courses.content_loader import DEFAULT_CONTENT_DIR, ContentError, content_files_read
from courses.models import CoursePage, LessonPage, StorylinePage
from courses.selectors import block_questions, course_outline
from lms import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOTEL_SLUG = "hotelpersoneel-herken-seksuele-uitbuiting"
MODULE_SLUGS = {
    "signaleren-uitbuiting-minderjarigen",
    "verdiepende-training-mensenhandel-minderjarigen",
    "mensenhandel-herkennen-reclassering",
    "basistraining-aandachtsfunctionaris-mensenhandel",
    "basistraining-ketenregisseur-mensenhandel",
    HOTEL_SLUG,
}


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_courses", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot() -> tuple[int, int, list]:
    return (
        Page.objects.count(),
        Revision.objects.count(),
        sorted(Page.objects.values_list("id", "title", "live", "latest_revision_id")),
    )


def test_loading_twice_changes_nothing():
    first = load()
    assert "0 updated" in first
    before = snapshot()
    second = load()
    assert "0 pages created, 0 updated" in second
    assert snapshot() == before
    courses = CoursePage.objects.live()
    assert set(courses.values_list("slug", flat=True)) == MODULE_SLUGS
    hotel_languages = set(
        courses.filter(slug=HOTEL_SLUG).values_list("locale__language_code", flat=True)
    )
    assert hotel_languages == {"nl", "en", "pl", "es"}
    assert courses.exclude(slug=HOTEL_SLUG).filter(locale__language_code="nl").count() == 5


def _graded(questions):
    return [q for q in questions if q["graded"]]


def _check_question(course, question):
    where = f"{course.slug}/{course.locale.language_code} question {question['id']}"
    assert question["question"].strip(), where
    if question["type"] in ("single_choice", "multiple_choice"):
        correct = [o for o in question["options"] if o["correct"]]
        if question["type"] == "single_choice":
            assert len(correct) == 1, where
        else:
            assert 1 <= len(correct) < len(question["options"]), where
        assert all(str(o["feedback"]).strip() for o in question["options"]), where
    elif question["type"] == "true_false":
        assert str(question["feedback_true"]).strip(), where
        assert str(question["feedback_false"]).strip(), where
    elif question["type"] == "ordering":
        assert len(question["items"]) >= 3, where
        assert question["explanation"].strip(), where
    elif question["type"] == "scenario":
        assert scenario_graph_errors(question["start"], question["scenes"]) == [], where
        for scene in question["scenes"]:
            assert any(o["recommended"] for o in scene["options"]), where
            assert all(str(o["feedback"]).strip() for o in scene["options"]), where


def _right_answer(question):
    if question["type"] in ("single_choice", "multiple_choice"):
        return {"option_ids": [o["id"] for o in question["options"] if o["correct"]]}
    if question["type"] == "true_false":
        return {"value": question["correct"]}
    return {"item_ids": [item["id"] for item in question["items"]]}


def _wrong_answer(question):
    if question["type"] in ("single_choice", "multiple_choice"):
        return {"option_ids": [next(o["id"] for o in question["options"] if not o["correct"])]}
    if question["type"] == "true_false":
        return {"value": not question["correct"]}
    return {"item_ids": [item["id"] for item in reversed(question["items"])]}


def _take(course, storyline, *, right: bool):
    user = UserFactory()
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment, storyline=storyline)
    for question in attempt.graded_questions:
        response = _right_answer(question) if right else _wrong_answer(question)
        feedback = services.answer_submit(
            attempt=attempt, question_id=question["id"], response=response
        )
        assert feedback["correct"] is right
    return services.attempt_submit(attempt=attempt)


def test_every_course_is_complete_and_can_be_passed_and_failed():
    load()
    signatures = {}
    for course in CoursePage.objects.live().specific().order_by("path"):
        where = f"{course.slug}/{course.locale.language_code}"
        assert course.summary.strip() and course.sources.strip(), where
        assert len(course.learning_objectives) >= 3, where
        assert 50 <= course.pass_mark <= 100, where
        if course.slug == HOTEL_SLUG:
            assert course.validity_months == 24, where
        outline = course_outline(course=course)
        lessons = outline.all_lessons()
        assert all(isinstance(lesson, LessonPage) for lesson in lessons)
        questions = [q for lesson in lessons for q in block_questions(lesson)]
        for question in questions:
            _check_question(course, question)
        assert any(q["type"] == "scenario" for q in questions), where
        summary = outline.closing or outline.intro
        assert summary, where
        paths = [s for s, _ in outline.storylines] or [None]
        if course.slug == "signaleren-uitbuiting-minderjarigen":
            assert len(paths) == 2, "the BUIT module offers two storylines"
            assert all(isinstance(s, StorylinePage) for s in paths)
        for storyline in paths:
            taken = outline.path(storyline)
            assert len(_graded(q for les in taken for q in block_questions(les))) >= 8, where
            passed = _take(course, storyline, right=True)
            assert passed.passed and passed.score == Decimal("100.00"), where
            failed = _take(course, storyline, right=False)
            assert failed.passed is False and failed.score == Decimal("0.00"), where
        if course.slug == HOTEL_SLUG:
            signatures[course.locale.language_code] = [
                (q["id"], q["type"], _right_answer(q) if q["graded"] else q["start"])
                for q in questions
            ]
    assert set(signatures) == {"nl", "en", "pl", "es"}
    assert signatures["en"] == signatures["nl"]
    assert signatures["pl"] == signatures["nl"]
    assert signatures["es"] == signatures["nl"]


def test_an_invalid_file_loads_nothing(tmp_path: Path):
    good = "basistraining-ketenregisseur-mensenhandel.nl.yaml"
    broken = "mensenhandel-herkennen-reclassering.nl.yaml"
    (tmp_path / good).write_text((DEFAULT_CONTENT_DIR / good).read_text())
    text = (DEFAULT_CONTENT_DIR / broken).read_text()
    (tmp_path / broken).write_text(text.replace("pass_mark:", "pass_mark: veel\n#", 1))
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="Nothing was loaded") as error:
        load("--path", str(tmp_path))
    assert broken in str(error.value)
    assert Page.objects.count() == pages


STORYLINE_FILE = "signaleren-uitbuiting-minderjarigen.nl.yaml"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("title:", "titel:", "top level: missing title"),
        ("pass_mark: 70", "pass_mark: veel", "pass_mark: expected a whole number from 1 to 100"),
        ("sectors: [onderwijs,", "sectors: [3,", "sectors: give a list of sector slugs"),
        (
            "  - key: introductie\n",
            "  - key: Introductie\n",
            "lessons[1].key: 'Introductie' is not",
        ),
        (
            "  - key: criminele-uitbuiting\n",
            "  - key: criminele-uitbuiting\n    x: 1\n",
            "storylines[2]: unknown field(s) x",
        ),
        (
            "      - type: text\n",
            "      - type: image\n",
            "lesson 'introductie', block 1: 'image' blocks need uploaded media",
        ),
    ],
)
def test_an_invalid_file_names_the_file_and_the_place(tmp_path: Path, old, new, message):
    """The loader's messages are its user interface (ADR 0008): file, place, then the problem."""
    text = (DEFAULT_CONTENT_DIR / STORYLINE_FILE).read_text()
    assert old in text
    (tmp_path / STORYLINE_FILE).write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as error:
        content_files_read(path=tmp_path)
    assert str(error.value).startswith(f"{STORYLINE_FILE}: {message}")


def test_invalid_yaml_names_the_line_and_column(tmp_path: Path):
    (tmp_path / "x.nl.yaml").write_text("slug: x\ntitle: [unclosed\n")
    with pytest.raises(ContentError, match=r"^x\.nl\.yaml: line 3, column 1: invalid YAML: "):
        content_files_read(path=tmp_path)


def test_not_yaml_is_a_clear_error(tmp_path: Path):
    (tmp_path / "x.nl.yaml").write_text("slug: [unclosed\n")
    with pytest.raises(CommandError, match=r"x\.nl\.yaml"):
        load("--path", str(tmp_path))


def test_editor_changes_survive_a_reload_unless_update():
    path = str(DEFAULT_CONTENT_DIR / "basistraining-ketenregisseur-mensenhandel.nl.yaml")
    load("--path", path)
    course = CoursePage.objects.get(slug="basistraining-ketenregisseur-mensenhandel")
    course.summary = "Door de redactie aangepast."
    course.save_revision().publish()
    output = load("--path", path)
    assert "0 updated" in output
    course.refresh_from_db()
    assert course.summary == "Door de redactie aangepast."
    load("--path", path, "--update")
    course.refresh_from_db()
    assert course.summary != "Door de redactie aangepast."
