"""What an editor saves in the page editor is checked, also on "Save draft": questions have at
least two options, a lesson has content, every scenario scene has a recommended choice, and the
course's numbers and prerequisites make sense. Each refusal is a form error saying why."""

import html
import json

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from accounts import roles
from cms.roles import ensure_course_review_workflow, grant_course_editing
from courses.models import CoursePage, LessonPage
from tests import factories
from tests.accounts.test_roles import with_totp
from tests.cms.test_editing import _form_data


def shown(msgid: str, **values) -> str:
    """`msgid` as the (Dutch) admin shows it."""
    with translation.override("nl"):
        text = translation.gettext(msgid)
    return text % values if values else text


def in_page(text: str, page: str) -> bool:
    """In the page's HTML, or in the JSON Wagtail gives its block editor (é as \\u00e9)."""
    return text in page or json.dumps(text)[1:-1] in page


pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    index = factories.course_index()
    grant_course_editing(page=index)
    ensure_course_review_workflow(page=index)
    return factories.make_course(title="Te controleren module")


@pytest.fixture
def editor(client):
    client.force_login(with_totp(factories.UserFactory(role=roles.COURSE_EDITOR)))
    return client


def _edit(client, page, changes: dict) -> tuple[int, str]:
    """Save a draft of `page` from its editor with `changes` to the form's fields."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    # The StreamFields are built by the browser's script: none of them is in the HTML form.
    data = {"learning_objectives-count": ["0"], **_form_data(client.get(url).content.decode())}
    data = {k: v for k, v in data.items() if not k.startswith(tuple(changes.get("_drop", ())))}
    data.update({k: v for k, v in changes.items() if k != "_drop"})
    response = client.post(url, data)
    return response.status_code, html.unescape(response.content.decode())


def _items(values: list) -> dict:
    data = {
        str(i): {"value": value, "deleted": "", "order": str(i), "id": str(i)}
        for i, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def _option(text: str, correct: bool) -> dict:
    return {"text": text, "correct": "on" if correct else "", "feedback": "waarom"}


def _question(kind: str, options: list[dict]) -> tuple[str, dict]:
    return kind, {
        "question": "Wat doe je?",
        "options": _items(options),
        "explanation": rich_text(""),
    }


def _save_body(client, lesson, blocks: list) -> tuple[int, str]:
    body = nested_form_data({"body": streamfield(blocks)})
    return _edit(client, lesson, {"_drop": ["body-"], **body})


def _lesson(course) -> LessonPage:
    return LessonPage.objects.child_of(course).get()


@pytest.mark.parametrize("kind", ["single_choice", "multiple_choice"])
def test_a_question_needs_two_options(editor, course, kind):
    lesson = _lesson(course)
    revisions = lesson.revisions.count()
    status, page = _save_body(editor, lesson, [_question(kind, [_option("ja", True)])])
    assert status == 200
    assert shown("A question needs at least two options.") in page
    assert lesson.revisions.count() == revisions
    status, _page = _save_body(
        editor, lesson, [_question(kind, [_option("ja", True), _option("nee", False)])]
    )
    assert status == 302  # two options save


def test_a_lesson_needs_content(editor, course):
    lesson = _lesson(course)
    status, page = _edit(editor, lesson, {"_drop": ["body-"], "body-count": "0"})
    assert status == 200
    assert in_page(shown("A lesson needs content: add at least one block."), page)


def _scene(key: str, recommended: bool, nxt: str = "") -> dict:
    choice = {"text": "praten", "recommended": "on" if recommended else "", "feedback": "f"}
    other = {"text": "negeren", "recommended": "", "feedback": "f", "next": ""}
    return {
        "key": key,
        "text": rich_text("<p>situatie</p>"),
        "options": _items([{**choice, "next": nxt}, other]),
    }


def test_every_scenario_scene_has_a_recommended_choice(editor, course):
    lesson = _lesson(course)

    def scenario(second_recommended: bool):
        return (
            "scenario",
            {
                "title": "Casus",
                "intro": rich_text("<p>intro</p>"),
                "start": "s1",
                "scenes": _items([_scene("s1", True, "s2"), _scene("s2", second_recommended)]),
            },
        )

    status, page = _save_body(editor, lesson, [scenario(False)])
    assert status == 200
    assert in_page(
        shown("Scene '%(key)s': mark at least one choice as recommended.", key="s2"), page
    )
    assert _save_body(editor, lesson, [scenario(True)])[0] == 302


def test_maximum_attempts_is_at_least_one_or_empty(editor, course):
    status, page = _edit(editor, course, {"max_attempts": "0"})
    assert status == 200
    assert shown("Enter at least 1 attempt, or leave this empty for unlimited retakes.") in page
    assert _edit(editor, course, {"max_attempts": ""})[0] == 302
    assert _edit(editor, course, {"max_attempts": "1"})[0] == 302


@pytest.mark.parametrize("mark", ["-5", "0", "101"])
def test_the_pass_mark_error_states_the_real_range(editor, course, mark):
    status, page = _edit(editor, course, {"pass_mark": mark})
    assert status == 200
    assert shown("Enter a pass mark from 1 to 100 percent.") in page
    assert "greater than or equal to 0" not in page


def test_a_course_is_not_its_own_prerequisite(editor, course):
    other = factories.make_course(title="Andere module")
    english = factories.translate_course(course, "en")
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    form = CoursePage.get_edit_handler().get_form_class()(
        instance=course, for_user=factories.UserFactory(role=roles.COURSE_EDITOR)
    )
    offered = set(form.fields["prerequisites"].queryset.values_list("pk", flat=True))
    assert other.pk in offered
    assert course.pk not in offered and english.pk not in offered
    assert editor.get(url).status_code == 200
    for itself in (course, english):
        status, _page = _edit(editor, course, {"prerequisites": [str(itself.pk)]})
        assert status == 200
        assert (
            not CoursePage.objects.get(pk=course.pk)
            .get_latest_revision_as_object()
            .prerequisites.exists()
        )
    assert _edit(editor, course, {"prerequisites": [str(other.pk)]})[0] == 302
