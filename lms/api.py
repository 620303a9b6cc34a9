"""Learning in the JSON API: enrol, take attempts, answer with immediate feedback, submit, see
progress, export completions as xAPI statements. Mounted at the API root (/api/v1/).

Every operation needs a login (session cookie with CSRF, or a personal access token). Grading is
done by lms.services on the server: an attempt's questions are sent without correctness, and
feedback for a question is sent only once that question was answered. Another learner's attempt
is "not found" (404), so attempt ids are never confirmed."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from accounts.api_auth import AUTH
from accounts.api_schema import (
    AUTHENTICATED,
    MAX_ID,
    PLAIN_TEXT_PATTERN,
    WITH_BODY,
    BodyIn,
    Id64,
    PlainStr,
    responses,
)
from courses.api import LanguageCode, PageQuery, Slug, course_for_slug
from courses.models import CoursePage, LessonPage, StorylinePage

from . import services
from .errors import Conflict, LearningError, NotFound
from .models import Attempt, Enrolment
from .selectors import (
    enrolment_for_lesson,
    learner_completions,
    learner_enrolments,
    learner_progress,
)
from .xapi import xapi_statement

router = Router(tags=["learning"], auth=AUTH)

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


# ----------------------------------------------------------------------------- schemas


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
    lessons_total: int
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


# ----------------------------------------------------------------------------- data


def _course_ref(course: CoursePage) -> dict:
    return {
        "slug": course.slug,
        "title": course.title,
        "language": course.locale.language_code,
        "course_key": course.translation_key,
    }


def _storyline_ref(storyline: StorylinePage | None) -> dict | None:
    if storyline is None:
        return None
    return {"id": storyline.pk, "slug": storyline.slug, "title": storyline.title}


def _attempt_for(request: HttpRequest, attempt_id: str) -> Attempt:
    """The caller's own attempt; anything else (another learner's, malformed) is 404."""
    user = request.user
    try:
        public_id = UUID(attempt_id)
    except ValueError:
        public_id = None
    attempt = None
    if public_id is not None and user.is_authenticated:
        attempt = (
            Attempt.objects.select_related("course__locale", "storyline")
            .filter(user=user, public_id=public_id)
            .first()
        )
    if attempt is None:
        raise NotFound(_("Attempt not found."))
    return attempt


def _scenario_choice(attempt: Attempt, question_id: str, response: dict) -> dict | None:
    scenario_id, _sep, scene_key = question_id.partition(":")
    scenario = attempt.question(scenario_id)
    if scenario is None or scenario["type"] != "scenario":
        return None
    scene = next((s for s in scenario["scenes"] if s["key"] == scene_key), None)
    option = scene and next(
        (o for o in scene["options"] if o["id"] == response.get("option_id")), None
    )
    if option is None:
        return None
    return {
        "scenario_id": scenario_id,
        "scene_key": scene_key,
        "option_id": option["id"],
        "recommended": option["recommended"],
        "feedback": option["feedback"],
    }


def _attempt_data(attempt: Attempt) -> dict:
    answers = list(attempt.answers.order_by("answered_at", "pk"))
    graded_ids = {q["id"] for q in attempt.graded_questions}
    feedback, choices, wrong = [], [], []
    for answer in answers:
        if answer.question_id in graded_ids:
            data = services.answer_feedback(attempt=attempt, answer=answer)
            if data is not None:
                feedback.append({"question_id": answer.question_id, **data})
                if not answer.is_correct:
                    wrong.append(answer.question_id)
        else:
            choice = _scenario_choice(attempt, answer.question_id, answer.response)
            if choice is not None:
                choices.append(choice)
    review = []
    if attempt.status == Attempt.Status.SUBMITTED and wrong:
        questions = {q["id"]: q for q in attempt.graded_questions}
        lessons = {
            lesson.pk: lesson
            for lesson in LessonPage.objects.filter(
                pk__in={questions[qid]["lesson_id"] for qid in wrong}
            ).only("pk", "title")
        }
        for qid in wrong:
            lesson = lessons.get(questions[qid]["lesson_id"])
            review.append(
                {
                    "question_id": qid,
                    "question": questions[qid]["question"],
                    "lesson": {"id": lesson.pk, "title": lesson.title} if lesson else None,
                }
            )
    return {
        "id": attempt.public_id,
        "number": attempt.number,
        "status": attempt.status,
        "course": _course_ref(attempt.course),
        "storyline": _storyline_ref(attempt.storyline),
        "storyline_required": services.attempt_storyline_pending(attempt),
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "pass_mark": attempt.pass_mark,
        "score": attempt.score,
        "passed": attempt.passed,
        "question_count": len(graded_ids),
        "answered_count": len(feedback),
        "questions": [services.public_question(attempt, q) for q in attempt.questions],
        "answers": feedback,
        "scenario_choices": choices,
        "review": review,
    }


def _enrolment_data(enrolment: Enrolment) -> dict:
    return {
        "course": _course_ref(enrolment.course),
        "enrolled_at": enrolment.enrolled_at,
        "storyline": _storyline_ref(enrolment.storyline),
    }


# ----------------------------------------------------------------------------- enrol, attempts


#: The `?language=` of enrolling and starting: which language version (documented in docs/api.md).
_LANGUAGE_QUERY = Query(
    None,
    description=(
        "language version (nl, en, pl, es); without it: the version you are enrolled in, "
        "else the request's language, else the only version"
    ),
)


@router.post(
    "/courses/{slug}/enrol",
    response=responses({200: EnrolmentOut}, *READ),
    summary="Enrol in a course (free; enrolling again returns the same enrolment)",
)
def enrol(
    request: HttpRequest,
    slug: Slug,
    language: LanguageCode | None = _LANGUAGE_QUERY,
):
    course = _course_version(request, slug=slug, language=language)
    enrolment = services.enrolment_create(user=request.user, course=course)
    enrolment = Enrolment.objects.select_related("course__locale", "storyline").get(pk=enrolment.pk)
    return _enrolment_data(enrolment)


@router.post(
    "/courses/{slug}/attempts",
    response=responses({201: AttemptOut}, *WRITE),
    summary="Start an attempt (enrols if needed); returns the questions without correctness",
)
def start_attempt(
    request: HttpRequest,
    slug: Slug,
    payload: AttemptStartIn | None = None,
    language: LanguageCode | None = _LANGUAGE_QUERY,
):
    course = _course_version(request, slug=slug, language=language)
    enrolment = services.enrolment_create(user=request.user, course=course)
    choice = str(payload.storyline) if payload and payload.storyline is not None else ""
    storyline = _storyline_of(course, choice) if choice else None
    attempt = services.attempt_start(enrolment=enrolment, storyline=storyline)
    return Status(201, _attempt_data(_attempt_for(request, str(attempt.public_id))))


def _course_version(request: HttpRequest, *, slug: str, language: str | None) -> CoursePage:
    """The language version of the course to enrol in or start: the one `language` names
    (404 when it has none); without `language` the version the learner is enrolled in (most
    recently active); for a learner not enrolled yet the request's language, or the only
    version. Never a silent switch to another language: with several versions and none of them
    in the request's language, `language` is required (400 `language_required`)."""
    if language:
        return course_for_slug(slug=slug, language=language)
    versions = list(CoursePage.objects.live().public().filter(slug=slug).select_related("locale"))
    if not versions:
        raise NotFound(_("This course does not exist."))
    user = request.user
    assert user.is_authenticated  # the router's AUTH lets only signed-in callers in
    enrolment = (
        Enrolment.objects.filter(user=user, course__in=versions)
        .order_by("-last_activity_at")
        .first()
    )
    if enrolment is not None:
        return next(v for v in versions if v.pk == enrolment.course_id)
    requested = (get_language() or "")[:2]
    chosen = next((v for v in versions if v.locale.language_code == requested), None)
    if chosen is None and len(versions) == 1:
        chosen = versions[0]
    if chosen is None:
        languages = sorted(v.locale.language_code for v in versions)
        raise LearningError(
            _("Choose the language of the course: %(languages)s.")
            % {"languages": ", ".join(languages)},
            code="language_required",
            details={"languages": languages},
        )
    return chosen


def _storyline_of(course: CoursePage, choice: str) -> StorylinePage:
    """The course's live storyline with this id or slug, or a 400."""
    storylines = StorylinePage.objects.child_of(course).live()
    is_id = choice.isascii() and choice.isdigit() and int(choice) <= MAX_ID
    storyline = (
        storylines.filter(pk=int(choice)).first()
        if is_id
        else storylines.filter(slug=choice[:255]).first()
    )
    if storyline is None:
        raise LearningError(
            _("This storyline does not belong to the course."), code="unknown_storyline"
        )
    return storyline


@router.post(
    "/attempts/{attempt_id}/storyline",
    response=responses({200: AttemptOut}, *WRITE),
    summary="Choose the storyline after the shared introduction; adds its questions",
)
def choose_storyline(request: HttpRequest, attempt_id: AttemptId, payload: StorylineChoiceIn):
    attempt = _attempt_for(request, attempt_id)
    storyline = _storyline_of(attempt.course, str(payload.storyline))
    services.attempt_storyline_choose(attempt=attempt, storyline=storyline)
    return _attempt_data(_attempt_for(request, attempt_id))


@router.get(
    "/attempts/{attempt_id}",
    response=responses({200: AttemptOut}, *READ),
    summary="An attempt: its questions, the feedback on answered ones, and the result",
)
def get_attempt(request: HttpRequest, attempt_id: AttemptId):
    return _attempt_data(_attempt_for(request, attempt_id))


@router.post(
    "/attempts/{attempt_id}/answers",
    response=responses({200: FeedbackOut}, *WRITE),
    exclude_none=True,
    summary="Answer one question; returns the feedback for that question only",
)
def answer(request: HttpRequest, attempt_id: AttemptId, payload: AnswerIn):
    attempt = _attempt_for(request, attempt_id)
    feedback = services.answer_submit(
        attempt=attempt, question_id=payload.question_id, response=payload.response
    )
    return {"question_id": payload.question_id, **feedback}


@router.post(
    "/attempts/{attempt_id}/scenario-choices",
    response=responses({200: ScenarioStepOut}, *WRITE),
    summary="Choose an option in a scenario scene; returns its feedback and the next scene",
)
def choose(request: HttpRequest, attempt_id: AttemptId, payload: ScenarioChoiceIn):
    attempt = _attempt_for(request, attempt_id)
    return services.scenario_choose(
        attempt=attempt,
        scenario_id=payload.scenario_id,
        scene_key=payload.scene_key,
        option_id=payload.option_id,
    )


@router.post(
    "/attempts/{attempt_id}/submit",
    response=responses({200: AttemptOut}, *READ, 409),
    summary="Submit the attempt for grading; returns score, pass/fail and what to review",
)
def submit(request: HttpRequest, attempt_id: AttemptId):
    attempt = _attempt_for(request, attempt_id)
    services.attempt_submit(attempt=attempt)
    return _attempt_data(_attempt_for(request, attempt_id))


# ----------------------------------------------------------------------------- lessons, progress


@router.post(
    "/lessons/{lesson_id}/visit",
    response=responses({200: LessonProgressOut}, *WRITE),
    summary="Record time spent on a lesson and, optionally, that it was finished",
)
def visit_lesson(request: HttpRequest, lesson_id: Id64, payload: LessonVisitIn):
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        raise NotFound(_("This lesson does not exist."))
    enrolment = enrolment_for_lesson(user=request.user, lesson=lesson)
    if enrolment is None:
        raise Conflict(_("Enrol in the course first."), code="not_enrolled")
    progress = services.lesson_visit(
        enrolment=enrolment, lesson=lesson, seconds=payload.seconds, completed=payload.completed
    )
    return {
        "lesson_id": lesson.pk,
        "seconds_spent": progress.seconds_spent,
        "completed_at": progress.completed_at,
    }


@router.get(
    "/me/progress",
    response=responses({200: ProgressPageOut}, *READ),
    summary="My enrolments with progress, resume point, attempts and completion",
)
def my_progress(request: HttpRequest, paging: Query[PageQuery]):
    enrolments = learner_enrolments(user=request.user)
    count = enrolments.count()
    start = (paging.page - 1) * paging.page_size
    rows = learner_progress(
        user=request.user, enrolments=enrolments[start : start + paging.page_size]
    )
    resume_ids = {row.resume_lesson_id for row in rows if row.resume_lesson_id}
    titles = dict(
        LessonPage.objects.filter(pk__in=resume_ids).values_list("pk", "title")
        if resume_ids
        else []
    )
    items = []
    for row in rows:
        enrolment, completion = row.enrolment, row.completion
        assert enrolment is not None  # rows come from enrolments
        items.append(
            {
                **_enrolment_data(enrolment),
                "last_activity_at": enrolment.last_activity_at,
                "resume_lesson": (
                    {"id": row.resume_lesson_id, "title": titles.get(row.resume_lesson_id, "")}
                    if row.resume_lesson_id
                    else None
                ),
                "lessons_completed": row.lessons_done,
                "lessons_total": row.lessons_total,
                "percent": row.percent,
                "seconds_spent": row.seconds_spent,
                "attempts": row.attempts_used,
                "attempts_left": row.attempts_left,
                "max_attempts": row.retake.max_attempts,
                "available_at": row.cooldown_until,
                "open_attempt": row.open_attempt.public_id if row.open_attempt else None,
                "best_score": row.best_score,
                "passed": row.passed,
                "completion": (
                    {
                        "cycle": completion.cycle,
                        "score": completion.score,
                        "completed_at": completion.completed_at,
                        "valid_until": completion.valid_until,
                    }
                    if completion
                    else None
                ),
            }
        )
    return {"items": items, "count": count, "page": paging.page, "page_size": paging.page_size}


# ----------------------------------------------------------------------------- xAPI


class XapiResultOut(Schema):
    statements: list[dict[str, Any]]
    more: str = Field(description="URL of the next page, empty when there is none")


@router.get(
    "/me/xapi",
    response=responses({200: XapiResultOut}, *READ),
    summary="My completions as xAPI 1.0.3 statements (a StatementResult)",
)
def my_xapi(request: HttpRequest, paging: Query[PageQuery]):
    # e-learning passes and trainings on location (lms.xapi builds either from the completion)
    completions = learner_completions(user=request.user).select_related(
        "course__locale", "user", "attempt"
    )
    start = (paging.page - 1) * paging.page_size
    page = list(completions[start : start + paging.page_size + 1])
    more = ""
    if len(page) > paging.page_size:
        page = page[: paging.page_size]
        more = f"{request.path}?page={paging.page + 1}&page_size={paging.page_size}"
    return {"statements": [xapi_statement(c) for c in page], "more": more}
