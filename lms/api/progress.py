"""Progress in the JSON API: recording lesson visits and `GET /me/progress`, the learner's
enrolments as the typed read model `selectors.learner_progress` has them (the same rows as
"Mijn leren" and the course pages)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from accounts.api_schema import Id64, responses
from accounts.errors import Conflict, NotFound
from courses.api import PageQuery
from courses.models import LessonPage

from .. import services
from ..selectors import enrolment_for_lesson, learner_enrolments, learner_progress
from .schemas import READ, WRITE, LessonProgressOut, LessonVisitIn, ProgressPageOut, enrolment_data

router = Router()


@router.post(
    "/lessons/{lesson_id}/visit",
    operation_id="lms_api_visit_lesson",
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
    operation_id="lms_api_my_progress",
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
                **enrolment_data(enrolment),
                "last_activity_at": enrolment.last_activity_at,
                "resume_lesson": (
                    {"id": row.resume_lesson_id, "title": titles.get(row.resume_lesson_id, "")}
                    if row.resume_lesson_id
                    else None
                ),
                "lessons_completed": row.lessons_done,
                "lessons_total": row.lessons_total,
                "storyline_lessons_uncounted": row.storyline_lessons_uncounted,
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
