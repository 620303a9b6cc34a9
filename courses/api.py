"""The course catalogue in the JSON API: /api/v1/courses (public, read only).

Only what the public catalogue shows: titles, summaries, audience, the outline of lessons and
storylines. Question content, correct answers and feedback are never part of these answers; a
learner gets questions (without correctness) only from an attempt (lms.api)."""

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from accounts.api_schema import PLAIN_TEXT_PATTERN, Page, SectorCode, responses
from accounts.models import Sector

from .blocks import GRADED_TYPES
from .models import AUDIENCE_CHOICES, CoursePage, LessonPage
from .selectors import course_outline

router = Router(tags=["courses"])

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

#: The audience codes, fixed in code (courses.models.AUDIENCE_CHOICES).
AudienceCode = StrEnum("AudienceCode", [(code, code) for code, _label in AUDIENCE_CHOICES])  # type: ignore[misc]

#: A page slug in the path (any letters; no control characters).
Slug = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=PLAIN_TEXT_PATTERN)]
#: A language code such as "nl" or "en".
LanguageCode = Annotated[str, StringConstraints(max_length=10, pattern=PLAIN_TEXT_PATTERN)]


def course_for_slug(*, slug: str, language: str | None = None) -> CoursePage:
    """The live course with this slug. Language versions share a slug: `language` picks one;
    without it the request's language wins, then Dutch, then any. Unknown → 404 (HttpError)."""
    candidates = list(CoursePage.objects.live().public().filter(slug=slug).select_related("locale"))
    if language:
        candidates = [c for c in candidates if c.locale.language_code == language]
    if not candidates:
        raise HttpError(404, _("This course does not exist."))
    preferred = [(get_language() or "nl")[:2], "nl"]
    for code in preferred:
        for course in candidates:
            if course.locale.language_code == code:
                return course
    return candidates[0]


class PageQuery(Schema):
    page: Page = 1
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class CatalogueFilters(PageQuery):
    audience: AudienceCode | None = Field(None, description="audience code, e.g. 'hotel_staff'")
    sector: SectorCode | None = Field(None, description="sector code, e.g. 'onderwijs'")
    language: LanguageCode | None = Field(None, description="language code, e.g. 'nl' or 'en'")


class CourseOut(Schema):
    id: int
    slug: str
    course_key: UUID = Field(description="shared by all language versions of the course")
    title: str
    summary: str
    language: str
    languages: list[str] = Field(description="languages this course is available in")
    audience: str
    audience_label: str
    sectors: list[str]
    estimated_minutes: int
    pass_mark: int
    validity_months: int | None
    url: str


class CoursePageOut(Schema):
    items: list[CourseOut]
    count: int
    page: int
    page_size: int


class LessonOutlineOut(Schema):
    id: int
    title: str
    minutes: int
    questions: int = Field(description="number of graded questions in the lesson")
    scenarios: int = Field(description="number of decision scenarios in the lesson")


class StorylineOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    lessons: list[LessonOutlineOut]


class OutlineOut(Schema):
    intro: list[LessonOutlineOut]
    storylines: list[StorylineOut]
    closing: list[LessonOutlineOut]


class PrerequisiteOut(Schema):
    slug: str
    title: str


class CourseDetailOut(CourseOut):
    learning_objectives: list[str]
    storyline_prompt: str
    max_attempts: int | None
    retake_cooldown_hours: int
    prerequisites: list[PrerequisiteOut]
    outline: OutlineOut


def _languages_by_key(keys) -> dict:
    languages: dict = {}
    for key, code in (
        CoursePage.objects.live()
        .filter(translation_key__in=keys)
        .values_list("translation_key", "locale__language_code")
    ):
        languages.setdefault(key, []).append(code)
    return {key: sorted(codes) for key, codes in languages.items()}


def _course_data(course: CoursePage, languages: list[str]) -> dict:
    return {
        "id": course.pk,
        "slug": course.slug,
        "course_key": course.translation_key,
        "title": course.title,
        "summary": course.summary,
        "language": course.locale.language_code,
        "languages": languages,
        "audience": course.audience,
        "audience_label": str(course.get_audience_display()),
        "sectors": [s.slug for s in course.sectors.all()],
        "estimated_minutes": course.estimated_minutes,
        "pass_mark": course.pass_mark,
        "validity_months": course.validity_months,
        "url": course.full_url or course.url or "",
    }


def _lesson_data(lesson: LessonPage) -> dict:
    kinds = [block.block_type for block in lesson.body]
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "minutes": lesson.minutes,
        "questions": sum(1 for k in kinds if k in GRADED_TYPES),
        "scenarios": sum(1 for k in kinds if k == "scenario"),
    }


@router.get(
    "",
    response=responses({200: CoursePageOut}, 400, 422),
    auth=None,
    summary="The catalogue: live courses, filterable by audience, sector and language",
)
def list_courses(request: HttpRequest, filters: Query[CatalogueFilters]):
    courses = CoursePage.objects.live().public().select_related("locale").order_by("path")
    if filters.audience:
        courses = courses.filter(audience=filters.audience.value)
    if filters.sector:
        # a seed code whose row an editor removed
        if not Sector.objects.filter(slug=filters.sector.value).exists():
            raise HttpError(400, _("Unknown sector."))
        courses = courses.filter(sectors__slug=filters.sector.value)
    if filters.language:
        courses = courses.filter(locale__language_code=filters.language)
    courses = courses.distinct()
    count = courses.count()
    start = (filters.page - 1) * filters.page_size
    page = list(courses.prefetch_related("sectors")[start : start + filters.page_size])
    languages = _languages_by_key({c.translation_key for c in page})
    return {
        "items": [_course_data(c, languages.get(c.translation_key, [])) for c in page],
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.get(
    "/{slug}",
    response=responses({200: CourseDetailOut}, 400, 404, 422),
    auth=None,
    summary="One course with its outline (lessons and storylines, never answers)",
)
def get_course(request: HttpRequest, slug: Slug, language: LanguageCode | None = None):
    course = course_for_slug(slug=slug, language=language)
    outline = course_outline(course=course)
    data = _course_data(
        course, _languages_by_key([course.translation_key]).get(course.translation_key, [])
    )
    data.update(
        {
            "learning_objectives": [str(block.value) for block in course.learning_objectives],
            "storyline_prompt": course.storyline_prompt,
            "max_attempts": course.max_attempts,
            "retake_cooldown_hours": course.retake_cooldown_hours,
            "prerequisites": [
                {"slug": p.slug, "title": p.title} for p in course.prerequisites.all()
            ],
            "outline": {
                "intro": [_lesson_data(lesson) for lesson in outline.intro],
                "storylines": [
                    {
                        "id": storyline.pk,
                        "slug": storyline.slug,
                        "title": storyline.title,
                        "summary": storyline.summary,
                        "lessons": [_lesson_data(lesson) for lesson in lessons],
                    }
                    for storyline, lessons in outline.storylines
                ],
                "closing": [_lesson_data(lesson) for lesson in outline.closing],
            },
        }
    )
    return data
