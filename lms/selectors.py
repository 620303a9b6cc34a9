"""Read queries over learning activity."""

from typing import Any

from django.db.models import Prefetch

from .errors import NotFound
from .models import Attempt, Completion, Enrolment


def attempt_for_learner(*, user, attempt_id) -> Attempt:
    """The learner's own attempt; another learner's id is 'not found' so ids are not confirmed."""
    lookup = {"public_id": attempt_id} if not str(attempt_id).isdigit() else {"pk": attempt_id}
    try:
        return Attempt.objects.select_related("course", "enrolment").get(user=user, **lookup)
    except (Attempt.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Attempt not found.") from exc


def learner_enrolments(*, user):
    return (
        Enrolment.objects.filter(user=user)
        .select_related("course", "storyline", "last_lesson")
        .prefetch_related(
            "progress",
            Prefetch("attempts", queryset=Attempt.objects.order_by("-number")),
        )
        .order_by("-last_activity_at")
    )


def learner_completions(*, user):
    return Completion.objects.filter(user=user).select_related("course").order_by("-completed_at")


def learner_personal_data(user) -> dict[str, Any]:
    return {
        "enrolments": [
            {
                "course": e.course.title,
                "language": e.course.locale.language_code,
                "enrolled_at": e.enrolled_at.isoformat(),
                "storyline": e.storyline.title if e.storyline else None,
                "lessons": [
                    {
                        "lesson_id": p.lesson_id,
                        "seconds_spent": p.seconds_spent,
                        "completed_at": p.completed_at.isoformat() if p.completed_at else None,
                    }
                    for p in e.progress.all()
                ],
            }
            for e in Enrolment.objects.filter(user=user).select_related(
                "course__locale", "storyline"
            )
        ],
        "attempts": [
            {
                "course": a.course.title,
                "number": a.number,
                "status": a.status,
                "started_at": a.started_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "score": str(a.score) if a.score is not None else None,
                "passed": a.passed,
                "answers": [
                    {
                        "question_id": ans.question_id,
                        "response": ans.response,
                        "correct": ans.is_correct,
                    }
                    for ans in a.answers.all()
                ],
            }
            for a in Attempt.objects.filter(user=user)
            .select_related("course")
            .prefetch_related("answers")
        ],
        "completions": [
            {
                "course": c.course.title,
                "cycle": c.cycle,
                "score": str(c.score),
                "completed_at": c.completed_at.isoformat(),
                "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            }
            for c in learner_completions(user=user)
        ],
    }
