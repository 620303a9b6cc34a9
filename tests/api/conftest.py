import pytest
from django.core.cache import cache, caches
from django.test import Client

from accounts.services import access_token_create
from courses.selectors import course_outline
from tests.factories import (  # noqa: F401 (right_response: the api tests import it from here)
    lesson,
    make_course,
    multiple_choice,
    ordering,
    right_response,
    true_false,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The token failure counter lives in the cache; every test starts from zero.
    cache.clear()
    caches["limits"].clear()
    yield
    cache.clear()
    caches["limits"].clear()


@pytest.fixture
def token(user):
    _token, raw = access_token_create(user=user, name="test")
    return raw


@pytest.fixture
def api(token):
    """A client that authenticates with the learner's personal access token (English)."""
    return Client(
        enforce_csrf_checks=True,
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def course(db):
    """A course without storylines: intro (2 single choice + a scenario) and a lesson with a
    multiple choice, a true/false and an ordering question."""
    course = make_course(title="Alle vraagtypen")
    lesson(
        course,
        "Verdieping",
        [
            multiple_choice("Welke signalen?", [("een", True), ("twee", True), ("drie", False)]),
            true_false("Een minderjarige kan instemmen.", False),
            ordering("Zet de meldroute op volgorde", ["eerst", "dan", "daarna", "tot slot"]),
        ],
    )
    return course


@pytest.fixture
def storyline_course(db):
    return make_course(title="Met verhaallijnen", storylines=True)


def first_storyline(course):
    return course_outline(course=course).storylines[0][0]


def wrong_response(question: dict) -> dict:
    if question["type"] in ("single_choice", "multiple_choice"):
        return {"option_ids": [next(o["id"] for o in question["options"] if not o["correct"])]}
    if question["type"] == "true_false":
        return {"value": not question["correct"]}
    return {"item_ids": [i["id"] for i in reversed(question["items"])]}
