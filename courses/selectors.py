"""Read queries over course content, shared by the site, the API and the lms."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils import translation
from wagtail.models import Locale, Page

from .blocks import GRADED_TYPES
from .models import AUDIENCE_CHOICES, CourseIndexPage, CoursePage, LessonPage, StorylinePage


def course_list(*, locale: Locale | None = None):
    qs = CoursePage.objects.live().public().order_by("path")
    if locale is not None:
        qs = qs.filter(locale=locale)
    return qs


@dataclass
class CourseVersion:
    """One language version of a course, for links between the versions."""

    code: str
    name: str
    url: str


def _versions(pages: list[CoursePage]) -> list[CourseVersion]:
    versions = []
    for page in sorted(pages, key=lambda p: p.locale.language_code):
        info = translation.get_language_info(page.locale.language_code)
        versions.append(
            CourseVersion(
                code=page.locale.language_code, name=info["name_local"], url=page.url or ""
            )
        )
    return versions


def course_versions(*, course: CoursePage) -> list[CourseVersion]:
    """The other live language versions of `course` (same translation key)."""
    others = (
        CoursePage.objects.live()
        .public()
        .filter(translation_key=course.translation_key)
        .exclude(pk=course.pk)
        .select_related("locale")
    )
    return _versions(list(others))


def catalogue(*, index_page: CourseIndexPage, params: QueryDict) -> dict[str, Any]:
    """The catalogue's course list with its filters (audience, sector, language). The language
    versions of one course are one entry: the version in the chosen language (else the page's
    language, else the default language), with links to the others (ADR 0016)."""
    from accounts.models import Sector

    audience = params.get("doelgroep", "")
    sector = params.get("sector", "")
    language = params.get("taal", "")
    locales = {loc.language_code: loc for loc in Locale.objects.all()}
    if language not in locales:
        language = ""
    courses = CoursePage.objects.live().public().select_related("locale").order_by("path")
    if audience:
        courses = courses.filter(audience=audience)
    if sector:
        courses = courses.filter(sectors__slug=sector)
    by_key: dict[Any, list[CoursePage]] = {}
    for course in courses.distinct().prefetch_related("sectors"):
        by_key.setdefault(course.translation_key, []).append(course)
    preferred = [language or index_page.locale.language_code, settings.LANGUAGE_CODE]
    entries = []
    for versions in by_key.values():
        codes = {page.locale.language_code: page for page in versions}
        if language and language not in codes:
            continue
        shown = next((codes[code] for code in preferred if code in codes), versions[0])
        entries.append((shown, _versions([v for v in versions if v.pk != shown.pk])))
    entries.sort(key=lambda entry: entry[0].path)
    return {
        "courses": entries,
        "audiences": AUDIENCE_CHOICES,
        "sectors": Sector.objects.all(),
        "languages": sorted(locales),
        "selected": {"audience": audience, "sector": sector, "language": language},
    }


@dataclass
class CourseOutline:
    intro: list[LessonPage] = field(default_factory=list)
    storylines: list[tuple[StorylinePage, list[LessonPage]]] = field(default_factory=list)
    closing: list[LessonPage] = field(default_factory=list)

    @property
    def has_storylines(self) -> bool:
        return bool(self.storylines)

    def path(self, storyline: StorylinePage | None) -> list[LessonPage]:
        """The lessons a learner takes: the shared ones plus the chosen storyline."""
        chosen: list[LessonPage] = []
        for candidate, lessons in self.storylines:
            if storyline is not None and candidate.pk == storyline.pk:
                chosen = lessons
        return [*self.intro, *chosen, *self.closing]

    def storyline(self, storyline_id: int) -> StorylinePage | None:
        return next((s for s, _ in self.storylines if s.pk == storyline_id), None)

    def all_lessons(self) -> list[LessonPage]:
        return [*self.intro, *(les for _, ls in self.storylines for les in ls), *self.closing]


def course_outline(
    *, course: CoursePage, live_only: bool = True, bodies: bool = True
) -> CourseOutline:
    """The course's lessons and storylines in tree order, in two queries. Without `bodies` the
    lessons' content (their StreamField) is neither read nor decoded: all a page that lists
    the lessons needs (Wagtail's `defer_streamfields`)."""
    descendants = Page.objects.descendant_of(course).order_by("path")
    if live_only:
        descendants = descendants.live()
    if not bodies:
        descendants = descendants.defer_streamfields()
    pages = list(descendants.specific())
    outline = CourseOutline()
    storyline_lessons: dict[int, list[LessonPage]] = {}
    seen_storyline = False
    for page in pages:
        if isinstance(page, StorylinePage):
            seen_storyline = True
            lessons: list[LessonPage] = []
            storyline_lessons[page.pk] = lessons
            outline.storylines.append((page, lessons))
        elif isinstance(page, LessonPage):
            if page.depth == course.depth + 1:
                (outline.closing if seen_storyline else outline.intro).append(page)
            else:
                parent_path = page.path[: -Page.steplen]
                owner = next((s for s, _ in outline.storylines if s.path == parent_path), None)
                if owner is not None:
                    storyline_lessons[owner.pk].append(page)
    return outline


def block_questions(lesson: LessonPage) -> list[dict[str, Any]]:
    """The questions and scenarios of one lesson, with their answers, as plain data."""
    questions = []
    for block in lesson.body:
        if block.block_type in GRADED_TYPES or block.block_type == "scenario":
            questions.append(
                question_data(
                    block_type=block.block_type, block_id=block.id, value=block.value, lesson=lesson
                )
            )
    return questions


def _list_items(list_value) -> list[tuple[str, Any]]:
    return [(bound.id, bound.value) for bound in list_value.bound_blocks]


def question_data(*, block_type: str, block_id: str, value, lesson: LessonPage) -> dict[str, Any]:
    """Plain data for one question block, including correct answers (server side only)."""
    base: dict[str, Any] = {
        "id": block_id,
        "type": block_type,
        "lesson_id": lesson.pk,
        "graded": block_type in GRADED_TYPES,
        "explanation": str(value.get("explanation") or ""),
    }
    if block_type in ("single_choice", "multiple_choice"):
        base["question"] = value["question"]
        base["options"] = [
            {"id": oid, "text": o["text"], "correct": bool(o["correct"]), "feedback": o["feedback"]}
            for oid, o in _list_items(value["options"])
        ]
    elif block_type == "true_false":
        base["question"] = value["statement"]
        base["correct"] = bool(value["correct"])
        base["feedback_true"] = value["feedback_true"]
        base["feedback_false"] = value["feedback_false"]
    elif block_type == "ordering":
        base["question"] = value["question"]
        base["items"] = [{"id": iid, "text": text} for iid, text in _list_items(value["items"])]
    elif block_type == "scenario":
        base["question"] = value["title"]
        base["intro"] = str(value["intro"])
        base["start"] = value["start"]
        base["scenes"] = [
            {
                "key": scene["key"],
                "text": str(scene["text"]),
                "options": [
                    {
                        "id": oid,
                        "text": o["text"],
                        "recommended": bool(o["recommended"]),
                        "feedback": o["feedback"],
                        "next": o["next"] or None,
                    }
                    for oid, o in _list_items(scene["options"])
                ],
            }
            for scene in value["scenes"]
        ]
    return base


def path_questions(*, lessons: list[LessonPage]) -> list[dict[str, Any]]:
    return [q for lesson in lessons for q in block_questions(lesson)]


def courses_editable_by(*, user) -> list[CoursePage]:
    """The courses (every language version) the user may edit in Wagtail, in tree order."""
    courses = CoursePage.objects.select_related("locale").order_by("path")
    return [course for course in courses if course.permissions_for_user(user).can_edit()]
