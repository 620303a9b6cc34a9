"""Everything that changes learning state. Views, the API and tasks call these."""

import random
from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.errors import Conflict, Forbidden, NotFound
from courses.models import CoursePage, LessonPage, StorylinePage
from courses.selectors import course_outline, path_questions

from . import grading, rules, selectors
from .errors import LearningError
from .models import Answer, Attempt, Completion, Enrolment, LessonProgress
from .signals import course_passed

INVALID_RESPONSE_MESSAGES = {
    "not_an_object": gettext_lazy("The answer must be an object."),
    "not_a_list": gettext_lazy("The answer must be a list of ids."),
    "no_option": gettext_lazy("Choose an option."),
    "duplicate_option": gettext_lazy("An option was chosen twice."),
    "foreign_option": gettext_lazy("An option does not belong to this question."),
    "exactly_one": gettext_lazy("Choose exactly one option."),
    "not_boolean": gettext_lazy("Answer true or false."),
    "incomplete_order": gettext_lazy("Put every item in the order exactly once."),
    "not_gradable": gettext_lazy("This question cannot be answered this way."),
}

#: A renewal opens a new certification cycle from this long before expiry.
RENEWAL_WINDOW = timedelta(days=90)
#: Longest time one lesson view can add to "time spent" (a tab left open does not count).
MAX_SECONDS_PER_VISIT = 30 * 60


def enrolment_create(*, user, course: CoursePage) -> Enrolment:
    """Enrol `user` (free, self-service). Idempotent: a second call returns the same enrolment."""
    if not course.live:
        raise NotFound(_("This course does not exist."))
    missing = selectors.missing_prerequisites(user=user, course=course)
    if missing:
        raise Forbidden(
            _("First pass: %(courses)s.") % {"courses": ", ".join(p.title for p in missing)},
            code="prerequisites_missing",
        )
    enrolment, _created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"course_key": course.translation_key}
    )
    return enrolment


def lesson_seen(*, enrolment: Enrolment, lesson_id: int) -> None:
    """Record that the learner opened a lesson: its progress row when there is none yet
    (`ignore_conflicts`: a request racing this one finds the row there and leaves it), and the
    resume point. Two statements, no transaction needed: each stands alone."""
    LessonProgress.objects.bulk_create(
        [LessonProgress(enrolment_id=enrolment.pk, lesson_id=lesson_id)], ignore_conflicts=True
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_lesson_id=lesson_id, last_activity_at=timezone.now()
    )
    enrolment.last_lesson_id = lesson_id


def lesson_visit(
    *, enrolment: Enrolment, lesson: LessonPage, seconds: int = 0, completed: bool = False
) -> LessonProgress:
    """Record that the learner saw (or finished) a lesson, for progress, resume and time spent."""
    seconds = max(0, min(int(seconds), MAX_SECONDS_PER_VISIT))
    progress, _created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    fields = []
    if seconds:
        progress.seconds_spent += seconds
        fields.append("seconds_spent")
    if completed:
        # when the learner last finished it: a lesson counts as done for the attempts that
        # started before that (`rules.done_in_attempt`), so a new attempt starts with none done
        progress.completed_at = timezone.now()
        fields.append("completed_at")
    if fields:
        progress.save(update_fields=fields)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_lesson=lesson, last_activity_at=timezone.now()
    )
    return progress


def _check_retake_rules(*, enrolment: Enrolment, course: CoursePage) -> None:
    """Refuse a new attempt the retake rule does not allow (`selectors.course_retake`, the
    state the course page and the API show)."""
    state = selectors.course_retake(
        user=enrolment.user_id, course=course, course_key=enrolment.course_key
    )
    if state.attempts_left == 0:
        raise Forbidden(
            ngettext(
                "You have used the %(n)s attempt allowed for this course.",
                "You have used all %(n)s attempts allowed for this course.",
                course.max_attempts or 0,  # attempts_left is 0 only with a maximum
            )
            % {"n": course.max_attempts},
            code="no_attempts_left",
        )
    if state.available_at is not None:
        raise Forbidden(
            _("From %(when)s you can start a new attempt.")
            % {"when": date_format(timezone.localtime(state.available_at), "DATETIME_FORMAT")},
            code="cooldown",
            details={"available_at": state.available_at.isoformat()},
        )


#: Shuffles the options of each attempt (the order is stored in the snapshot).
_SHUFFLE = random.SystemRandom()


def _snapshot_part(lessons: list[LessonPage]) -> dict[str, Any]:
    return {
        "lesson_ids": [lesson.pk for lesson in lessons],
        "lesson_revisions": {str(les.pk): les.latest_revision_id for les in lessons},
        "questions": [
            rules.shuffled_orders(question, _SHUFFLE)
            for question in path_questions(lessons=lessons)
        ],
    }


def _lessons_to_come(outline, storyline: StorylinePage | None) -> dict[str, Any]:
    """Before the storyline choice, how many lessons the choice will add (closing and each
    storyline's), so that progress counts the lessons the learner will take
    (`rules.lessons_to_come`); the choice removes it."""
    if not outline.has_storylines or storyline is not None:
        return {}
    return {
        "lessons_to_come": {
            "closing": len(outline.closing),
            "storylines": [len(lessons) for _storyline, lessons in outline.storylines],
        }
    }


def attempt_storyline_pending(attempt: Attempt) -> bool:
    """True while the learner still has to choose a storyline (the attempt holds the intro)."""
    return attempt.storyline_id is None and bool(attempt.snapshot.get("has_storylines"))


def attempt_start(*, enrolment: Enrolment, storyline: StorylinePage | None = None) -> Attempt:
    """Start an attempt, snapshotting the questions and their answers.

    On a course with storylines, without `storyline` the attempt holds the shared introduction
    only; the learner chooses the storyline after it (`attempt_storyline_choose`). With a
    storyline (taking the other storyline later, or the API) it holds intro + storyline +
    closing at once. Returns the open attempt if there is one for the same storyline (or, when
    starting without one, any open attempt)."""
    course = enrolment.course.specific
    outline = course_outline(course=course)
    if outline.has_storylines:
        if storyline is not None and outline.storyline(storyline.pk) is None:
            raise LearningError(
                _("This storyline does not belong to the course."), code="unknown_storyline"
            )
    elif storyline is not None:
        raise LearningError(_("This course has no storylines."), code="unknown_storyline")

    with transaction.atomic():
        # Lock the enrolment so two concurrent starts create one attempt.
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        open_attempt = enrolment.attempts.filter(status=Attempt.Status.IN_PROGRESS).first()
        if open_attempt is not None:
            if storyline is None or open_attempt.storyline_id == storyline.pk:
                return open_attempt
            if open_attempt.storyline_id is None:
                # Chosen up front while the open attempt is still in the introduction: the
                # answers given so far are kept.
                return attempt_storyline_choose(attempt=open_attempt, storyline=storyline)
            # Switching storyline abandons the unfinished attempt: it is discarded when nothing
            # was answered yet.
            if open_attempt.answers.exists():
                raise Conflict(
                    _("Finish or submit your current attempt before you switch storyline."),
                    code="attempt_open",
                )
            open_attempt.delete()
        _check_retake_rules(enrolment=enrolment, course=course)
        lessons = outline.path(storyline) if storyline is not None else list(outline.intro)
        # numbered across the course's language versions, as the attempts used are counted
        # ("Attempt 2" next to "used 1 of 3", also after switching to another language)
        number = (
            Attempt.objects.filter(
                user_id=enrolment.user_id, enrolment__course_key=enrolment.course_key
            )
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        ) + 1
        attempt = Attempt.objects.create(
            enrolment=enrolment,
            user=enrolment.user,
            course=course,
            storyline=storyline,
            number=number,
            course_revision_id=course.latest_revision_id,
            pass_mark=course.pass_mark,
            snapshot={
                **_snapshot_part(lessons),
                "has_storylines": outline.has_storylines,
                **_lessons_to_come(outline, storyline),
            },
        )
        enrolment.storyline = storyline
        # a new attempt starts at its first lesson, not where the last one stopped
        enrolment.last_lesson = None
        enrolment.save(update_fields=["storyline", "last_lesson", "last_activity_at"])
    return attempt


def attempt_storyline_choose(*, attempt: Attempt, storyline: StorylinePage) -> Attempt:
    """After the shared introduction: add the chosen storyline and the closing lessons (and
    their questions) to the attempt's snapshot. Choosing the same storyline again changes
    nothing; another one once chosen is refused."""
    course = attempt.course.specific
    outline = course_outline(course=course)
    if not outline.has_storylines:
        raise LearningError(_("This course has no storylines."), code="unknown_storyline")
    if outline.storyline(storyline.pk) is None:
        raise LearningError(
            _("This storyline does not belong to the course."), code="unknown_storyline"
        )
    with transaction.atomic():
        locked = _open_attempt_for_update(attempt)
        if locked.storyline_id == storyline.pk:
            return locked
        if locked.storyline_id is not None:
            raise Conflict(
                _(
                    "You already chose a storyline for this attempt. You can take the other "
                    "storyline in a new attempt after you submit this one."
                ),
                code="storyline_chosen",
            )
        chosen = next(ls for s, ls in outline.storylines if s.pk == storyline.pk)
        known = set(locked.snapshot.get("lesson_ids", []))
        added = _snapshot_part([les for les in [*chosen, *outline.closing] if les.pk not in known])
        snapshot = dict(locked.snapshot)
        snapshot["lesson_ids"] = [*snapshot.get("lesson_ids", []), *added["lesson_ids"]]
        snapshot["lesson_revisions"] = {
            **snapshot.get("lesson_revisions", {}),
            **added["lesson_revisions"],
        }
        snapshot["questions"] = [*snapshot.get("questions", []), *added["questions"]]
        snapshot["has_storylines"] = True
        snapshot.pop("lessons_to_come", None)
        locked.snapshot = snapshot
        locked.storyline = storyline
        locked.save(update_fields=["snapshot", "storyline"])
        Enrolment.objects.filter(pk=locked.enrolment_id).update(
            storyline=storyline, last_activity_at=timezone.now()
        )
    return locked


def public_question(attempt: Attempt, question: dict[str, Any]) -> dict[str, Any]:
    """A question as the learner may see it before answering: no correctness, no feedback."""
    data: dict[str, Any] = {
        "id": question["id"],
        "type": question["type"],
        "lesson_id": question["lesson_id"],
        "question": question["question"],
        "graded": question["graded"],
    }
    if question["type"] in ("single_choice", "multiple_choice"):
        data["options"] = [
            {"id": o["id"], "text": o["text"]}
            for o in rules.in_order(question["options"], question.get("option_order"))
        ]
    elif question["type"] == "ordering":
        data["items"] = [{"id": i["id"], "text": i["text"]} for i in _item_order(attempt, question)]
    elif question["type"] == "scenario":
        data["intro"] = question["intro"]
        data["start"] = question["start"]
        data["scenes"] = [
            {
                "key": s["key"],
                "text": s["text"],
                "options": [
                    {"id": o["id"], "text": o["text"]}
                    for o in rules.in_order(s["options"], s.get("option_order"))
                ],
            }
            for s in question["scenes"]
        ]
    return data


def _item_order(attempt: Attempt, question: dict[str, Any]) -> list[dict[str, Any]]:
    """An ordering question's items as this attempt shows them: the stored order, or for an
    attempt started before orders were stored the order it showed then (derived from its id)."""
    if question.get("item_order"):
        return rules.in_order(question["items"], question["item_order"])
    items = list(question["items"])
    rng = random.Random(f"{attempt.public_id}:{question['id']}")  # noqa: S311 - not security
    shuffled = items[:]
    for _try in range(5):  # avoid showing the answer by chance
        rng.shuffle(shuffled)
        if len(items) < 2 or shuffled != items:
            break
    return shuffled


def _feedback(question: dict[str, Any], response: Any) -> dict[str, Any]:
    """Grading feedback with the options in the order the attempt shows them."""
    result = grading.feedback(question, response)
    if "options" in result:
        result["options"] = rules.in_order(result["options"], question.get("option_order"))
    return result


def _open_attempt_for_update(attempt: Attempt) -> Attempt:
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if locked.status != Attempt.Status.IN_PROGRESS:
        raise Conflict(_("This attempt has already been submitted."), code="attempt_submitted")
    return locked


def _lock_open_attempt(attempt: Attempt) -> None:
    """Lock the attempt's row until the transaction ends and check it is still open, reading
    its status only (an answer needs no fresh copy of the snapshot)."""
    status = Attempt.objects.select_for_update().values_list("status", flat=True).get(pk=attempt.pk)
    if status != Attempt.Status.IN_PROGRESS:
        raise Conflict(_("This attempt has already been submitted."), code="attempt_submitted")


def _answer_insert(*, attempt: Attempt, question_id: str, response: Any, correct: bool) -> bool:
    """Store an answer while the attempt is open, in one statement; False when the attempt was
    submitted or the question already answered (nothing is written then).

    The statement reads the attempt's row with a lock (PostgreSQL: `FOR UPDATE`, so it waits for
    a submit in progress and then sees the attempt submitted; SQLite writes one statement at a
    time), which is what a transaction with `select_for_update` did in five round trips. The
    unique constraint on (attempt, question) turns a replayed answer into no row."""
    answers, attempts = Answer._meta.db_table, Attempt._meta.db_table
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    field = Answer._meta.get_field("response")
    # Only table names from the models' metadata are formatted in; values are parameters.
    sql = (
        f"INSERT INTO {answers} (attempt_id, question_id, response, is_correct, answered_at) "  # noqa: S608
        f"SELECT id, %s, %s, %s, %s FROM {attempts} WHERE id = %s AND status = %s{lock} "
        "ON CONFLICT (attempt_id, question_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                question_id,
                field.get_db_prep_save(response, connection),
                correct,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                attempt.pk,
                Attempt.Status.IN_PROGRESS.value,
            ],
        )
        return cursor.rowcount == 1


def answer_submit(*, attempt: Attempt, question_id: str, response: Any) -> dict[str, Any]:
    """Grade one answer on the server and return the immediate feedback."""
    question = attempt.question(question_id)
    if question is None or not question["graded"]:
        raise LearningError(
            _("This question is not part of your attempt."), code="unknown_question"
        )
    try:
        normalised = grading.normalise_response(question, response)
    except grading.InvalidResponse as exc:
        raise LearningError(
            str(INVALID_RESPONSE_MESSAGES.get(exc.code, INVALID_RESPONSE_MESSAGES["not_gradable"])),
            code="invalid_answer",
            details={"reason": exc.code},
        ) from exc
    correct = grading.is_correct(question, normalised)
    if not _answer_insert(
        attempt=attempt, question_id=question_id, response=normalised, correct=correct
    ):
        if Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).exists():
            raise Conflict(_("You already answered this question."), code="already_answered")
        raise Conflict(_("This attempt has already been submitted."), code="attempt_submitted")
    return _feedback(question, normalised)


def answer_feedback(*, attempt: Attempt, answer: Answer) -> dict[str, Any] | None:
    question = attempt.question(answer.question_id)
    if question is None or not question["graded"]:
        return None
    return _feedback(question, answer.response)


def scenario_choose(
    *, attempt: Attempt, scenario_id: str, scene_key: str, option_id: str
) -> dict[str, Any]:
    """Record a decision in a branching scenario and return its feedback and the next scene."""
    scenario = attempt.question(scenario_id)
    if scenario is None or scenario["type"] != "scenario":
        raise LearningError(
            _("This scenario is not part of your attempt."), code="unknown_question"
        )
    scene = next((s for s in scenario["scenes"] if s["key"] == scene_key), None)
    if scene is None:
        raise LearningError(_("Unknown scene."), code="unknown_scene")
    option = next((o for o in scene["options"] if o["id"] == option_id), None)
    if option is None:
        raise LearningError(_("This choice does not belong to the scene."), code="unknown_option")
    with transaction.atomic():
        _lock_open_attempt(attempt)
        Answer.objects.update_or_create(
            attempt=attempt,
            question_id=f"{scenario_id}:{scene_key}",
            defaults={"response": {"option_id": option_id}, "is_correct": None},
        )
    next_scene = next((s for s in scenario["scenes"] if s["key"] == option["next"]), None)
    return {
        "option_id": option_id,
        "recommended": option["recommended"],
        "feedback": option["feedback"],
        "recommended_options": [
            {"id": o["id"], "text": o["text"]}
            for o in rules.in_order(scene["options"], scene.get("option_order"))
            if o["recommended"]
        ],
        "next_scene": (
            {
                "key": next_scene["key"],
                "text": next_scene["text"],
                "options": [
                    {"id": o["id"], "text": o["text"]}
                    for o in rules.in_order(next_scene["options"], next_scene.get("option_order"))
                ],
            }
            if next_scene
            else None
        ),
        "ended": next_scene is None,
    }


def attempt_submit(*, attempt: Attempt) -> Attempt:
    """Grade the attempt. Passing creates exactly one Completion per certification cycle, even
    when the same attempt is submitted twice or concurrently (row lock + unique constraints)."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status != Attempt.Status.IN_PROGRESS:
            raise Conflict(_("This attempt has already been submitted."), code="attempt_submitted")
        if attempt_storyline_pending(locked):
            raise LearningError(
                _(
                    "Choose a storyline before you submit: the course needs one after the introduction."
                ),
                code="storyline_required",
            )
        graded = selectors.attempt_graded_in_force(locked)
        if not graded:
            # nothing was tested (a storyline or translation published without its lessons):
            # no score, no pass, no certificate; the attempt stays open for when they exist
            raise LearningError(
                _(
                    "This course has no questions yet, so it cannot be completed. "
                    "Try again later or contact the programme."
                ),
                code="no_questions",
            )
        answers = {a.question_id: a for a in locked.answers.all()}
        unanswered = [q["id"] for q in graded if q["id"] not in answers]
        if unanswered:
            raise LearningError(
                _("Answer every question before you submit (%(n)s open).") % {"n": len(unanswered)},
                code="unanswered_questions",
                details={"unanswered": unanswered},
            )
        correct = sum(1 for q in graded if answers[q["id"]].is_correct)
        locked.score = grading.score_percent(correct, len(graded))
        locked.passed = grading.has_passed(locked.score, locked.pass_mark)
        locked.status = Attempt.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["score", "passed", "status", "submitted_at"])
        if locked.passed:
            _completion_record(attempt=locked)
    return locked


def _completion_record(*, attempt: Attempt) -> Completion | None:
    """Create the completion for this cycle, or improve it (the best passing attempt counts).

    Returns the completion only when it is new (`completion_create` announced it)."""
    course = attempt.course.specific
    course_key = attempt.enrolment.course_key
    now, score = attempt.submitted_at, attempt.score
    assert now is not None and score is not None, "only submitted attempts complete a course"
    latest = (
        Completion.objects.select_for_update()
        .filter(user=attempt.user, course_key=course_key)
        .order_by("-cycle")
        .first()
    )
    if latest is not None and not (
        latest.valid_until is not None and now >= latest.valid_until - RENEWAL_WINDOW
    ):
        if latest.score is None or score > latest.score:
            latest.score = score
            latest.attempt = attempt
            latest.save(update_fields=["score", "attempt"])
        return None
    # relativedelta ends on the month's last day when the day does not exist (31 Jan + 1 month:
    # 28/29 Feb), the same rule the organisation certificate and the reports use (ADR 0021)
    valid_until = (
        now + relativedelta(months=course.validity_months) if course.validity_months else None
    )
    try:
        return completion_create(
            attempt=attempt,
            course=course,
            cycle=(latest.cycle + 1) if latest else 1,
            completed_at=now,
            valid_until=valid_until,
        )
    except IntegrityError:
        return None  # a concurrent submit of another attempt won the race for this cycle


def completion_create(
    *,
    attempt: Attempt,
    course: CoursePage,
    cycle: int,
    completed_at,
    valid_until=None,
) -> Completion:
    """Record that the attempt's learner passed `course` (cycle `cycle`); with
    `completion_create_training` the only places that create a Completion. Announces
    `course_passed` inside the same transaction, so what the pass sets off (the certificate row,
    reporting's kept counts) commits or rolls back with it.
    Raises IntegrityError when the cycle exists already (nothing is kept then)."""
    assert attempt.score is not None, "only a graded attempt completes a course"
    with transaction.atomic():
        completion = _completion_insert(
            user_id=attempt.user_id,
            course=course,
            course_key=attempt.enrolment.course_key,
            cycle=cycle,
            attempt=attempt,
            score=attempt.score,
            completed_at=completed_at,
            valid_until=valid_until,
        )
        course_passed.send(sender=Completion, completion=completion)
    return completion


def completion_create_training(*, user, course_key, title: str, completed_at) -> Completion:
    """Record a training on location the caller (the trainings app) saw completed: no course
    page, attempt or score, only the format's key and the title it was completed under (ADR
    0017). The caller announces it with `course_passed` in the same transaction, like an
    e-learning pass. Raises IntegrityError when the person has it already."""
    return _completion_insert(
        user_id=user.pk,
        source=Completion.Source.TRAINING,
        course_key=course_key,
        title=title,
        cycle=1,
        completed_at=completed_at,
    )


def _completion_insert(**fields) -> Completion:
    with transaction.atomic():
        return Completion.objects.create(**fields)
