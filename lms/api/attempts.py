"""Enrolling and taking attempts in the JSON API: enrol, start an attempt, choose the
storyline, answer with immediate feedback, decide in scenarios, submit.

Grading is done by lms.services on the server: an attempt's questions are sent without
correctness, and feedback for a question is sent only once that question was answered. The
attempt is looked up and reviewed by the same selectors as the lesson player's pages
(`attempt_for_learner`, `attempt_review`): another learner's attempt is "not found" (404), so
attempt ids are never confirmed."""

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from accounts.api_schema import id_from_text, responses
from accounts.errors import NotFound
from courses.api import LanguageCode, Slug, course_for_slug
from courses.models import CoursePage, StorylinePage

from .. import services
from ..errors import LearningError
from ..models import Attempt, Enrolment
from ..selectors import attempt_for_learner, attempt_review
from .schemas import (
    READ,
    WRITE,
    AnswerIn,
    AttemptId,
    AttemptOut,
    AttemptStartIn,
    EnrolmentOut,
    FeedbackOut,
    ScenarioChoiceIn,
    ScenarioStepOut,
    StorylineChoiceIn,
    course_ref,
    enrolment_data,
    storyline_ref,
)

router = Router()


def _attempt(request: HttpRequest, attempt_id: str, *, with_course: bool = True) -> Attempt:
    return attempt_for_learner(user=request.user, attempt_id=attempt_id, with_course=with_course)


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
    """The attempt as `AttemptOut`: its questions without correctness, the feedback on the
    questions answered so far and, once submitted, what to review (`selectors.attempt_review`,
    as the attempt page shows it)."""
    review = attempt_review(attempt=attempt)
    graded_ids = {q["id"] for q in attempt.graded_questions}
    feedback, choices = [], []
    for answer in review.answers:
        if answer.question_id in graded_ids:
            data = services.answer_feedback(attempt=attempt, answer=answer)
            if data is not None:
                feedback.append({"question_id": answer.question_id, **data})
        else:
            choice = _scenario_choice(attempt, answer.question_id, answer.response)
            if choice is not None:
                choices.append(choice)
    wrong = review.wrong if attempt.status == Attempt.Status.SUBMITTED else []
    titles = review.lesson_titles if wrong else {}
    return {
        "id": attempt.public_id,
        "number": attempt.number,
        "status": attempt.status,
        "course": course_ref(attempt.course),
        "storyline": storyline_ref(attempt.storyline),
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
        "review": [
            {
                "question_id": question.question_id,
                "question": question.question,
                "lesson": (
                    {"id": question.lesson_id, "title": titles[question.lesson_id]}
                    if question.lesson_id in titles
                    else None
                ),
            }
            for question in wrong
        ],
    }


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
    operation_id="lms_api_enrol",
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
    return enrolment_data(enrolment)


@router.post(
    "/courses/{slug}/attempts",
    operation_id="lms_api_start_attempt",
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
    return Status(201, _attempt_data(_attempt(request, str(attempt.public_id))))


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
    pk = id_from_text(choice)
    storyline = (
        storylines.filter(pk=pk).first()
        if pk is not None
        else storylines.filter(slug=choice[:255]).first()
    )
    if storyline is None:
        raise LearningError(
            _("This storyline does not belong to the course."), code="unknown_storyline"
        )
    return storyline


@router.post(
    "/attempts/{attempt_id}/storyline",
    operation_id="lms_api_choose_storyline",
    response=responses({200: AttemptOut}, *WRITE),
    summary="Choose the storyline after the shared introduction; adds its questions",
)
def choose_storyline(request: HttpRequest, attempt_id: AttemptId, payload: StorylineChoiceIn):
    attempt = _attempt(request, attempt_id)
    storyline = _storyline_of(attempt.course, str(payload.storyline))
    services.attempt_storyline_choose(attempt=attempt, storyline=storyline)
    return _attempt_data(_attempt(request, attempt_id))


@router.get(
    "/attempts/{attempt_id}",
    operation_id="lms_api_get_attempt",
    response=responses({200: AttemptOut}, *READ),
    summary="An attempt: its questions, the feedback on answered ones, and the result",
)
def get_attempt(request: HttpRequest, attempt_id: AttemptId):
    return _attempt_data(_attempt(request, attempt_id))


@router.post(
    "/attempts/{attempt_id}/answers",
    operation_id="lms_api_answer",
    response=responses({200: FeedbackOut}, *WRITE),
    exclude_none=True,
    summary="Answer one question; returns the feedback for that question only",
)
def answer(request: HttpRequest, attempt_id: AttemptId, payload: AnswerIn):
    attempt = _attempt(request, attempt_id, with_course=False)
    feedback = services.answer_submit(
        attempt=attempt, question_id=payload.question_id, response=payload.response
    )
    return {"question_id": payload.question_id, **feedback}


@router.post(
    "/attempts/{attempt_id}/scenario-choices",
    operation_id="lms_api_choose",
    response=responses({200: ScenarioStepOut}, *WRITE),
    summary="Choose an option in a scenario scene; returns its feedback and the next scene",
)
def choose(request: HttpRequest, attempt_id: AttemptId, payload: ScenarioChoiceIn):
    attempt = _attempt(request, attempt_id, with_course=False)
    return services.scenario_choose(
        attempt=attempt,
        scenario_id=payload.scenario_id,
        scene_key=payload.scene_key,
        option_id=payload.option_id,
    )


@router.post(
    "/attempts/{attempt_id}/submit",
    operation_id="lms_api_submit",
    response=responses({200: AttemptOut}, *READ, 409),
    summary="Submit the attempt for grading; returns score, pass/fail and what to review",
)
def submit(request: HttpRequest, attempt_id: AttemptId):
    attempt = _attempt(request, attempt_id)
    services.attempt_submit(attempt=attempt)
    return _attempt_data(_attempt(request, attempt_id))
