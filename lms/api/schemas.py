"""The learning API's request and response shapes (django-ninja schemas, which also make the
OpenAPI document), the path parameters' types, and how a course, storyline and enrolment fill
their references. Shapes only: the operations live in `attempts`, `progress` and `xapi`."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from ninja import Schema
from pydantic import Field, StringConstraints

from accounts.api_schema import (
    AUTHENTICATED,
    PLAIN_TEXT_PATTERN,
    WITH_BODY,
    BodyIn,
    Id64,
    PlainStr,
)
from courses.models import CoursePage, StorylinePage

from ..models import Enrolment

#: An attempt id in the path: any text (a malformed id is "not found", like another learner's).
AttemptId = Annotated[str, StringConstraints(max_length=100, pattern=PLAIN_TEXT_PATTERN)]
#: A storyline's id or slug.
StorylineChoice = (
    Id64
    | Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=PLAIN_TEXT_PATTERN)]
)
#: What every operation here can answer besides success: a path id that is not one (400), no
#: login (401), not allowed (403), not found (404), a conflict with the state (409), the
#: request does not fit the schema (422), too many wrong tokens (429).
READ = (400, *AUTHENTICATED, 404, 422)
WRITE = (*WITH_BODY, *AUTHENTICATED, 404, 409)


class CourseRefOut(Schema):
    slug: str
    title: str
    language: str
    course_key: UUID


class StorylineRefOut(Schema):
    id: int
    slug: str
    title: str


class LessonRefOut(Schema):
    id: int
    title: str


class OptionOut(Schema):
    id: str
    text: str


class SceneOut(Schema):
    key: str
    text: str
    options: list[OptionOut]


class QuestionOut(Schema):
    """A question as the learner sees it before answering: never correctness or feedback."""

    id: str
    type: str
    lesson_id: int
    question: str
    graded: bool
    options: list[OptionOut] | None = None
    items: list[OptionOut] | None = Field(None, description="ordering: the items, shuffled")
    intro: str | None = Field(None, description="scenario: the situation")
    start: str | None = Field(None, description="scenario: key of the first scene")
    scenes: list[SceneOut] | None = None


class OptionFeedbackOut(Schema):
    id: str
    text: str
    correct: bool
    feedback: str
    chosen: bool


class FeedbackOut(Schema):
    """Feedback on one answered question."""

    question_id: str
    correct: bool
    explanation: str
    options: list[OptionFeedbackOut] | None = None
    correct_value: bool | None = None
    feedback: str | None = None
    correct_order: list[OptionOut] | None = None


class ScenarioChoiceOut(Schema):
    scenario_id: str
    scene_key: str
    option_id: str
    recommended: bool
    feedback: str


class ReviewOut(Schema):
    question_id: str
    question: str
    lesson: LessonRefOut | None


class AttemptOut(Schema):
    id: UUID
    number: int
    status: str
    course: CourseRefOut
    storyline: StorylineRefOut | None
    storyline_required: bool = Field(
        description=(
            "true while the learner still has to choose a storyline "
            "(POST /attempts/{id}/storyline) after the shared introduction"
        )
    )
    started_at: datetime
    submitted_at: datetime | None
    pass_mark: int
    score: Decimal | None
    passed: bool | None
    question_count: int
    answered_count: int
    questions: list[QuestionOut]
    answers: list[FeedbackOut] = Field(description="feedback on the questions answered so far")
    scenario_choices: list[ScenarioChoiceOut]
    review: list[ReviewOut] = Field(
        description="after submitting: the questions answered wrongly, with their lesson"
    )


class AttemptStartIn(BodyIn):
    storyline: StorylineChoice | None = Field(
        None, description="id or slug of the chosen storyline (courses with storylines)"
    )


class StorylineChoiceIn(BodyIn):
    storyline: StorylineChoice = Field(description="id or slug of the chosen storyline")


class AnswerIn(BodyIn):
    question_id: PlainStr = Field(max_length=100)
    response: Any = Field(
        description=(
            'single/multiple choice: {"option_ids": [..]}; true/false: {"value": true}; '
            'ordering: {"item_ids": [..]} in the chosen order'
        )
    )


class ScenarioChoiceIn(BodyIn):
    scenario_id: PlainStr = Field(max_length=100)
    scene_key: PlainStr = Field(max_length=100)
    option_id: PlainStr = Field(max_length=100)


class ScenarioStepOut(Schema):
    option_id: str
    recommended: bool
    feedback: str
    recommended_options: list[OptionOut]
    next_scene: SceneOut | None
    ended: bool


class LessonVisitIn(BodyIn):
    seconds: int = Field(0, ge=0, le=24 * 3600, description="time spent since the last visit")
    completed: bool = False


class LessonProgressOut(Schema):
    lesson_id: int
    seconds_spent: int
    completed_at: datetime | None


class CompletionOut(Schema):
    cycle: int
    score: Decimal
    completed_at: datetime
    valid_until: datetime | None


class ProgressOut(Schema):
    course: CourseRefOut
    enrolled_at: datetime
    last_activity_at: datetime
    storyline: StorylineRefOut | None
    resume_lesson: LessonRefOut | None
    lessons_completed: int
    lessons_total: int = Field(
        description="the lessons the learner will take: before the storyline choice also the"
        " closing lessons and, when every storyline is as long, the storyline's"
    )
    storyline_lessons_uncounted: bool = Field(
        description="before the storyline choice, when the storylines differ in length:"
        " lessons_total does not count the lessons of the storyline still to choose"
    )
    percent: int
    seconds_spent: int
    attempts: int = Field(description="submitted attempts, in every language version")
    attempts_left: int | None = Field(description="null: no limit")
    max_attempts: int | None = Field(description="null: no limit")
    available_at: datetime | None = Field(
        description="end of the cool-down before another attempt may start; null: none"
    )
    open_attempt: UUID | None
    best_score: Decimal | None
    passed: bool
    completion: CompletionOut | None


class ProgressPageOut(Schema):
    items: list[ProgressOut]
    count: int
    page: int
    page_size: int


class EnrolmentOut(Schema):
    course: CourseRefOut
    enrolled_at: datetime
    storyline: StorylineRefOut | None


class XapiResultOut(Schema):
    statements: list[dict[str, Any]]
    more: str = Field(description="URL of the next page, empty when there is none")


def course_ref(course: CoursePage) -> dict:
    return {
        "slug": course.slug,
        "title": course.title,
        "language": course.locale.language_code,
        "course_key": course.translation_key,
    }


def storyline_ref(storyline: StorylinePage | None) -> dict | None:
    if storyline is None:
        return None
    return {"id": storyline.pk, "slug": storyline.slug, "title": storyline.title}


def enrolment_data(enrolment: Enrolment) -> dict:
    return {
        "course": course_ref(enrolment.course),
        "enrolled_at": enrolment.enrolled_at,
        "storyline": storyline_ref(enrolment.storyline),
    }
