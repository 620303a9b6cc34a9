"""Read queries over learning activity."""

import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from wagtail.models import Page

from . import sql as sql_rows
from .errors import NotFound
from .models import Answer, Attempt, Completion, Enrolment, LessonProgress


def attempt_for_learner(*, user, attempt_id, with_course: bool = True) -> Attempt:
    """The learner's own attempt; another learner's id is 'not found' so ids are not confirmed.
    `with_course=False` leaves the course to load when asked for (answering a question does not
    need it) and reads the attempt and its enrolment in one plain statement (answering runs it
    on every question, ADR 0013)."""
    lookup = {"public_id": attempt_id} if not str(attempt_id).isdigit() else {"pk": attempt_id}
    if not with_course:
        return _attempt_with_enrolment(user=user, **lookup)
    try:
        return Attempt.objects.select_related("course", "enrolment").get(user=user, **lookup)
    except (Attempt.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Attempt not found.") from exc


@functools.cache
def _attempt_with_enrolment_sql(column: str) -> str:
    # Only names from the models' metadata are formatted in; values are parameters.
    return (
        f"SELECT {sql_rows.columns('a', Attempt)}, {sql_rows.columns('e', Enrolment)} "  # noqa: S608
        f"FROM {Attempt._meta.db_table} a JOIN {Enrolment._meta.db_table} e "
        f"ON e.id = a.enrolment_id WHERE a.{column} = %s AND a.user_id = %s"
    )


def _attempt_with_enrolment(*, user, pk=None, public_id=None) -> Attempt:
    column, field = ("id", "pk") if pk is not None else ("public_id", "public_id")
    try:
        value = cast(models.Field, Attempt._meta.get_field(field)).get_db_prep_value(
            pk if pk is not None else public_id, connection
        )
    except (ValidationError, ValueError, TypeError) as exc:
        raise NotFound("Attempt not found.") from exc
    if pk is not None:
        low, high = connection.ops.integer_field_range(Attempt._meta.pk.get_internal_type())
        if not low <= value <= high:  # the database would refuse the number
            raise NotFound("Attempt not found.")
    with connection.cursor() as cursor:
        cursor.execute(_attempt_with_enrolment_sql(column), [value, user.pk])
        row = cursor.fetchone()
    if row is None:
        raise NotFound("Attempt not found.")
    values = iter(row)
    attempt = sql_rows.load(Attempt, values)
    attempt.enrolment = sql_rows.load(Enrolment, values)
    attempt.user = attempt.enrolment.user = user
    return attempt


def learner_enrolments(*, user):
    return (
        Enrolment.objects.filter(user=user)
        .select_related("course__locale", "storyline", "last_lesson")
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
                "course": c.display_title,
                "cycle": c.cycle,
                "score": str(c.score) if c.score is not None else None,
                "completed_at": c.completed_at.isoformat(),
                "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            }
            for c in learner_completions(user=user)
        ],
    }


def current_attempt(*, enrolment: Enrolment) -> Attempt | None:
    """The open attempt, else the latest submitted one (a new attempt always has the highest
    number, so the latest number is the current one)."""
    return enrolment.attempts.order_by("-number").first()


def enrolment_for_lesson(*, user, lesson) -> Enrolment | None:
    """The learner's enrolment in the course that holds `lesson` (its parent or grandparent)."""
    ancestors = [lesson.path[: -Page.steplen * n] for n in (1, 2)]
    return (
        Enrolment.objects.select_related("course__locale")
        .filter(user=user, course__path__in=ancestors)
        .first()
    )


def lesson_state(*, user, lesson) -> tuple[Enrolment | None, Attempt | None]:
    """The learner's enrolment in the course holding `lesson` and its current attempt, in one
    query when there is an attempt (the lesson page has a query budget)."""
    ancestors = [lesson.path[: -Page.steplen * n] for n in (1, 2)]
    attempt = (
        Attempt.objects.select_related("enrolment__course__locale")
        .filter(user=user, enrolment__course__path__in=ancestors)
        .order_by("-number")
        .first()
    )
    if attempt is not None:
        return attempt.enrolment, attempt
    return enrolment_for_lesson(user=user, lesson=lesson), None


#: What the lesson page shows of the course (the rest is deferred, as with `.only()`).
_COURSE_FIELDS = ("title", "url_path", "locale")


@functools.cache
def _attempt_for_lesson_sql() -> str:
    from wagtail.models import Locale

    from courses.models import CoursePage

    attempt, enrolment, page, locale = (
        Attempt._meta.db_table,
        Enrolment._meta.db_table,
        Page._meta.db_table,
        Locale._meta.db_table,
    )
    # Only names from the models' metadata are formatted in; values are parameters.
    return (
        f"SELECT {sql_rows.columns('a', Attempt)}, {sql_rows.columns('e', Enrolment)}, "  # noqa: S608
        f"{sql_rows.columns('c', CoursePage, _COURSE_FIELDS)}, "
        f"{sql_rows.columns('o', Locale, ('language_code',))}, {_answers_column()} "
        f"FROM {attempt} a "
        f"JOIN {enrolment} e ON e.id = a.enrolment_id "
        f"JOIN {page} c ON c.id = e.course_id "
        f"JOIN {locale} o ON o.id = c.locale_id "
        f"JOIN {page} l ON l.id = %s "
        "WHERE a.user_id = %s AND (c.path = SUBSTR(l.path, 1, LENGTH(l.path) - %s) "
        "OR c.path = SUBSTR(l.path, 1, LENGTH(l.path) - %s)) "
        "ORDER BY a.number DESC LIMIT 1"
    )


def attempt_for_lesson(*, user, lesson_id: int) -> Attempt | None:
    """The learner's current attempt in the course holding lesson `lesson_id` (its parent or
    grandparent page), found without loading the lesson first, with its enrolment and the
    course's title, address and language (the lesson page shows no more of the course).

    One plain statement: it runs on every lesson page, and the ORM's compiling of the same query
    (a subquery, path arithmetic and three joins) cost more CPU than everything the database
    did for it."""
    from wagtail.models import Locale

    from courses.models import CoursePage

    sql = _attempt_for_lesson_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [lesson_id, user.pk, Page.steplen, 2 * Page.steplen])
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row)
    found = sql_rows.load(Attempt, values)
    found.enrolment = sql_rows.load(Enrolment, values)
    found.enrolment.course = sql_rows.load(CoursePage, values, _COURSE_FIELDS)
    found.enrolment.course.locale = sql_rows.load(Locale, values, ("language_code",))
    found.user = found.enrolment.user = user
    # As prefetch_related leaves them: `found.answers.all()` reads no more.
    found._prefetched_objects_cache = {"answers": _answers_from_json(found, next(values))}
    return found


def _answers_column() -> str:
    """The attempt's (alias `a`) answers as one JSON array of [id, question id, response,
    correct, answered at], so the lesson page reads them with the attempt."""
    table = Answer._meta.db_table
    if connection.vendor == "postgresql":
        row = "json_build_array(x.id, x.question_id, x.response, x.is_correct, x.answered_at)"
        rows = f"COALESCE(json_agg({row}), '[]'::json)"
    else:  # SQLite, the other database the project runs on (ADR 0002)
        row = "json_array(x.id, x.question_id, json(x.response), x.is_correct, x.answered_at)"
        rows = f"json_group_array({row})"
    # Only the table's name is formatted in.
    return f"(SELECT {rows} FROM {table} x WHERE x.attempt_id = a.id)"  # noqa: S608


def _answers_from_json(attempt: Attempt, value) -> list[Answer]:
    rows = json.loads(value) if isinstance(value, str | bytes) else value
    answers = []
    for pk, question_id, response, is_correct, answered_at in rows:
        at = datetime.fromisoformat(answered_at)
        if timezone.is_naive(at):  # SQLite keeps UTC without an offset
            at = at.replace(tzinfo=UTC)
        data = {
            "id": pk,
            "attempt_id": attempt.pk,
            "question_id": question_id,
            "response": response,
            "is_correct": None if is_correct is None else bool(is_correct),
            "answered_at": at,
        }
        answer = Answer.from_db(
            connection.alias, list(data), [data[f.attname] for f in Answer._meta.concrete_fields]
        )
        answer.attempt = attempt
        answers.append(answer)
    return answers


#: What the lesson page reads of its lessons (the rest is deferred, as with `.only()`).
PATH_LESSON_FIELDS = (
    "title",
    "draft_title",
    "slug",
    "path",
    "depth",
    "url_path",
    "live",
    "locale",
    "content_type",
    "latest_revision",
    "live_revision",
    "last_published_at",
    "minutes",
    "body",
)


@functools.cache
def _path_lessons_sql(count: int) -> str:
    from courses.models import LessonPage

    page, lesson, progress = (
        Page._meta.db_table,
        LessonPage._meta.db_table,
        LessonProgress._meta.db_table,
    )
    placeholders = ", ".join(["%s"] * count)
    selected = sql_rows.columns({Page: "p", LessonPage: "l"}, LessonPage, PATH_LESSON_FIELDS)
    # Only names from the models' metadata and placeholders are formatted in.
    return (
        f"SELECT {selected}, EXISTS (SELECT 1 FROM {progress} g "  # noqa: S608
        "WHERE g.enrolment_id = %s AND g.lesson_id = p.id AND g.completed_at IS NOT NULL"
        f") FROM {page} p JOIN {lesson} l ON l.page_ptr_id = p.id "
        f"WHERE p.live AND p.id IN ({placeholders})"
    )


def path_lessons(*, enrolment: Enrolment, lesson_ids: list[int]) -> list:
    """The live lessons of a learner's path in order, each annotated with `completed`, in one
    plain statement (the lesson page takes its lesson and its navigation from here; the ORM's
    compiling of the same query over the page tables cost more CPU than the database did)."""
    from courses.models import LessonPage

    if not lesson_ids:
        return []
    sql = _path_lessons_sql(len(lesson_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, [enrolment.pk, *lesson_ids])
        rows = cursor.fetchall()
    lessons = {}
    for row in rows:
        values = iter(row)
        found = sql_rows.load(LessonPage, values, PATH_LESSON_FIELDS)
        found.completed = bool(next(values))  # SQLite answers 0 or 1
        lessons[found.pk] = found
    return [lessons[pk] for pk in lesson_ids if pk in lessons]


def lesson_navigation(*, enrolment: Enrolment, lesson_ids: list[int]) -> list[dict[str, Any]]:
    """The lessons of a learner's path in order, each with whether the learner completed it, in
    one query."""
    from courses.models import LessonPage

    completed = LessonProgress.objects.filter(
        enrolment=enrolment, lesson_id=OuterRef("pk"), completed_at__isnull=False
    )
    rows = {
        row["pk"]: row
        for row in LessonPage.objects.filter(pk__in=lesson_ids)
        .annotate(completed=Exists(completed))
        .values("pk", "title", "minutes", "completed")
    }
    return [rows[pk] for pk in lesson_ids if pk in rows]


def scenario_walk(*, question: dict[str, Any], answers: dict[str, Answer]) -> dict[str, Any]:
    """Follow the learner's recorded choices through a branching scenario.

    Returns the scenes already decided (with the consequence of each choice, which the learner
    has earned by choosing) and the scene to decide now, which carries no feedback."""
    scenes = {scene["key"]: scene for scene in question["scenes"]}
    steps: list[dict[str, Any]] = []
    current = None
    key = question["start"]
    visited: set[str] = set()
    while key and key in scenes and key not in visited:
        visited.add(key)
        scene = scenes[key]
        answer = answers.get(f"{question['id']}:{key}")
        chosen_id = answer.response.get("option_id") if answer else None
        option = next((o for o in scene["options"] if o["id"] == chosen_id), None)
        if option is None:
            current = {
                "key": key,
                "text": scene["text"],
                "options": [{"id": o["id"], "text": o["text"]} for o in scene["options"]],
            }
            break
        steps.append(
            {
                "key": key,
                "text": scene["text"],
                "chosen": option["text"],
                "recommended": option["recommended"],
                "feedback": option["feedback"],
                "recommended_options": [o["text"] for o in scene["options"] if o["recommended"]],
            }
        )
        key = option["next"]
    return {"steps": steps, "current": current, "ended": current is None}


def retake_availability(*, enrolment: Enrolment, course) -> dict[str, Any]:
    """Whether the learner may start another attempt: attempts left and the end of a cool-down.
    `lms.services.attempt_start` enforces the same rules; this is what the pages show."""
    submitted = [a for a in enrolment.attempts.all() if a.status == Attempt.Status.SUBMITTED]
    attempts_left = max(0, course.max_attempts - len(submitted)) if course.max_attempts else None
    available_at = None
    last = max(submitted, key=lambda a: a.submitted_at or a.started_at, default=None)
    if last is not None and last.submitted_at and course.retake_cooldown_hours:
        ready_at = last.submitted_at + timedelta(hours=course.retake_cooldown_hours)
        if timezone.now() < ready_at:
            available_at = ready_at
    return {
        "attempts_used": len(submitted),
        "max_attempts": course.max_attempts,
        "attempts_left": attempts_left,
        "available_at": available_at,
        "can_start": attempts_left != 0 and available_at is None,
    }


def attempt_review(*, attempt: Attempt) -> dict[str, Any]:
    """Per lesson of the attempt: questions answered wrongly and questions still open."""
    from courses.models import LessonPage

    answers = {a.question_id: a for a in attempt.answers.all()}
    titles = dict(
        LessonPage.objects.filter(pk__in=attempt.snapshot.get("lesson_ids", [])).values_list(
            "pk", "title"
        )
    )
    lessons: dict[int, dict[str, Any]] = {}
    graded = attempt.graded_questions
    for question in graded:
        answer = answers.get(question["id"])
        if answer is not None and answer.is_correct:
            continue
        entry = lessons.setdefault(
            question["lesson_id"],
            {
                "lesson_id": question["lesson_id"],
                "title": titles.get(question["lesson_id"], ""),
                "wrong": [],
                "open": [],
            },
        )
        (entry["open"] if answer is None else entry["wrong"]).append(question["question"])
    answered = sum(1 for q in graded if q["id"] in answers)
    correct = sum(1 for q in graded if q["id"] in answers and answers[q["id"]].is_correct)
    return {
        "total": len(graded),
        "answered": answered,
        "correct": correct,
        "open": len(graded) - answered,
        "lessons": list(lessons.values()),
        "answers": answers,
    }


def course_learner_context(*, request, course) -> dict[str, Any]:
    """What a course page shows the learner: enrolment, current attempt, progress, time spent,
    completion, retake rules and where to resume (registered in courses.learner_context)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"learning": None}
    enrolment = (
        Enrolment.objects.filter(user=user, course=course)
        .select_related("storyline", "last_lesson")
        .prefetch_related("progress", Prefetch("attempts", queryset=Attempt.objects.all()))
        .first()
    )
    completion = (
        Completion.objects.filter(user=user, course_key=course.translation_key)
        .order_by("-cycle")
        .first()
    )
    passed_keys = set(
        Completion.objects.filter(
            user=user, course_key__in=[p.translation_key for p in course.prerequisites.all()]
        ).values_list("course_key", flat=True)
    )
    missing = [p for p in course.prerequisites.all() if p.translation_key not in passed_keys]
    context: dict[str, Any] = {
        "enrolment": enrolment,
        "completion": completion,
        "missing_prerequisites": missing,
        "attempt": None,
    }
    if enrolment is not None:
        attempts = sorted(enrolment.attempts.all(), key=lambda a: a.number, reverse=True)
        attempt = attempts[0] if attempts else None
        progress = list(enrolment.progress.all())
        completed = {p.lesson_id for p in progress if p.completed_at}
        path = attempt.snapshot.get("lesson_ids", []) if attempt else []
        resume = None
        if attempt is not None and attempt.status == Attempt.Status.IN_PROGRESS and path:
            resume = enrolment.last_lesson_id if enrolment.last_lesson_id in path else path[0]
        context.update(
            {
                "attempt": attempt,
                "attempts": attempts,
                "completed_lesson_ids": completed,
                "path_completed": len([pk for pk in path if pk in completed]),
                "path_total": len(path),
                "minutes_spent": sum(p.seconds_spent for p in progress) // 60,
                "resume_lesson_id": resume,
                "retake": retake_availability(enrolment=enrolment, course=course),
            }
        )
    return {"learning": context}
