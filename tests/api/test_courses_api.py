"""courses/api.py: the public catalogue and course outline."""

import json
import shutil

import pytest
from django.test import Client
from wagtail.models import Locale

from accounts.models import Sector
from courses.content_loader import DEFAULT_CONTENT_DIR, courses_load
from tests.factories import make_course

from .conftest import first_storyline

pytestmark = pytest.mark.django_db

ANSWER_KEYS = {"correct", "feedback", "recommended", "explanation", "options", "items", "body"}


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


@pytest.fixture
def anonymous():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_catalogue_is_public_filtered_and_paginated(anonymous, django_assert_max_num_queries):
    hotel = make_course(title="Hotel")
    hotel.audience = "hotel_staff"
    hotel.save()
    education = Sector.objects.get_or_create(slug="onderwijs", defaults={"name": "Onderwijs"})[0]
    school = make_course(title="School")
    school.sectors.add(education)
    school.save()
    Locale.objects.get_or_create(language_code="en")
    english = make_course(title="English", locale="en")

    with django_assert_max_num_queries(12):
        everything = anonymous.get("/api/v1/courses")
    assert everything.status_code == 200
    body = everything.json()
    assert body["count"] == 3 and {c["title"] for c in body["items"]} == {
        "Hotel",
        "School",
        "English",
    }
    item = next(c for c in body["items"] if c["title"] == "School")
    assert item["sectors"] == ["onderwijs"] and item["language"] == "nl"
    assert item["languages"] == ["nl"] and item["pass_mark"] == 70

    def titles(query):
        response = anonymous.get(f"/api/v1/courses?{query}")
        assert response.status_code == 200, response.content
        return [c["title"] for c in response.json()["items"]]

    assert titles("audience=hotel_staff") == ["Hotel"]
    assert titles("sector=onderwijs") == ["School"]
    assert titles("language=en") == [english.title]
    assert titles("language=en&audience=hotel_staff") == []
    page = anonymous.get("/api/v1/courses?page_size=2&page=2").json()
    assert page["count"] == 3 and len(page["items"]) == 1

    # audience and sector are enums in the schema: another code does not fit it (ADR 0018)
    for query in ("audience=pirates", "sector=piraterij"):
        response = anonymous.get(f"/api/v1/courses?{query}")
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_request"
    assert anonymous.get("/api/v1/courses?page_size=1000").status_code == 422


def test_course_detail_has_the_outline_and_never_answers(anonymous):
    course = make_course(title="Met verhaallijnen", storylines=True)
    response = anonymous.get(f"/api/v1/courses/{course.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Met verhaallijnen"
    assert body["storyline_prompt"] == "Kies een verhaallijn"
    outline = body["outline"]
    assert [lesson["title"] for lesson in outline["intro"]] == ["Introductie"]
    assert outline["intro"][0]["questions"] == 2 and outline["intro"][0]["scenarios"] == 1
    assert [s["slug"] for s in outline["storylines"]] == ["seksuele", "criminele"]
    assert outline["storylines"][0]["id"] == first_storyline(course).pk
    assert outline["storylines"][0]["lessons"][0]["questions"] == 2
    assert not keys_in(body) & ANSWER_KEYS
    raw = json.dumps(body)
    assert "goed" not in raw and "feedback" not in raw and "sources" not in raw


def test_course_detail_picks_the_language_version(anonymous, tmp_path):
    """Language versions share their slug (loaded from the real content files)."""
    slug = "hotelpersoneel-herken-seksuele-uitbuiting"
    for language in ("nl", "en"):
        shutil.copy(DEFAULT_CONTENT_DIR / f"{slug}.{language}.yaml", tmp_path)
    courses_load(path=tmp_path)

    english = anonymous.get(f"/api/v1/courses/{slug}").json()
    dutch = Client(HTTP_ACCEPT_LANGUAGE="nl").get(f"/api/v1/courses/{slug}").json()
    chosen = anonymous.get(f"/api/v1/courses/{slug}?language=nl").json()
    assert (english["language"], dutch["language"], chosen["language"]) == ("en", "nl", "nl")
    assert english["course_key"] == dutch["course_key"]
    assert english["languages"] == dutch["languages"] == ["en", "nl"]
    assert english["title"] != dutch["title"]
    assert anonymous.get(f"/api/v1/courses/{slug}?language=pl").status_code == 404
    listed = anonymous.get("/api/v1/courses?language=en").json()
    assert [c["slug"] for c in listed["items"]] == [slug]
    # Real content: the outline carries no question content or answers either.
    assert not keys_in(english) & ANSWER_KEYS


def test_unknown_or_unpublished_course_is_404(anonymous):
    draft = make_course(title="Concept")
    draft.unpublish()
    for slug in ("bestaat-niet", draft.slug):
        response = anonymous.get(f"/api/v1/courses/{slug}")
        assert response.status_code == 404
        assert response.json() == {"detail": "This course does not exist.", "code": "not_found"}
