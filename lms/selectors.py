"""Read queries over learning activity."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any
from uuid import UUID

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from accounts.errors import NotFound

from . import rules
from .models import Answer, Attempt, Completion, Enrolment, LessonProgress


def attempt_for_learner(
    *, user, attempt_id, with_course: bool = True, related: tuple[str, ...] | None = None
) -> Attempt:
    """The learner's own attempt by its public id, for the lesson player and the API alike,
    with its enrolment (and, unless `with_course=False`, its course with locale and storyline:
    answering a question needs neither). `related` names exactly what to load with it instead
    (`select_related` paths): every page joined adds the ~30 columns of Wagtail's page to the
    query. Another learner's id, or one that is no id at all, is 'not found', so ids are never
    confirmed."""
    try:
        public_id = attempt_id if isinstance(attempt_id, UUID) else UUID(str(attempt_id))
    except ValueError:
        public_id = None
    if related is None:
        related = (
            ("enrolment__course__locale", "course__locale", "storyline")
            if with_course
            else ("enrolment",)
        )
    if public_id is None or not user.is_authenticated:
        raise NotFound(_("Attempt not found."))
    # get(), not first(): the public id is unique, and first() would order the wide joined
    # select by id, which costs Django more to compile than the query costs PostgreSQL.
    try:
        return Attempt.objects.select_related(*related).get(user=user, public_id=public_id)
    except Attempt.DoesNotExist:
        raise NotFound(_("Attempt not found.")) from None


def learner_enrolments(*, user):
    return (
        Enrolment.objects.filter(user=user)
        .select_related("course__locale", "storyline", "last_lesson")
        .prefetch_related("progress")
        .order_by("-last_activity_at", "-pk")
    )


def learner_completions(*, user):
    return Completion.objects.filter(user=user).select_related("course").order_by("-completed_at")


def completions(*, user=None, course_keys=None) -> QuerySet[Completion]:
    """Passes (e-learning and training) for the apps above lms to count or narrow further:
    optionally only `user`'s, and only of the courses with `course_keys` (translation keys, so
    every language version counts)."""
    queryset = Completion.objects.all()
    if user is not None:
        queryset = queryset.filter(user=user)
    if course_keys is not None:
        queryset = queryset.filter(course_key__in=course_keys)
    return queryset


def completion_get(*, completion_id: int) -> Completion | None:
    """The pass with its person and course, or None when it is gone."""
    return Completion.objects.select_related("user", "course").filter(pk=completion_id).first()


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
    """The learner's enrolment in the course holding `lesson` (its parent or grandparent) and
    its current attempt (`current_attempt`'s rule) with the course and the attempt's answers."""
    ancestors = [lesson.path[: -Page.steplen * n] for n in (1, 2)]
    attempt = (
        Attempt.objects.select_related("enrolment__course__locale")
        .prefetch_related("answers")
        .filter(user=user, enrolment__course__path__in=ancestors)
        .order_by("-number")
        .first()
    )
    if attempt is not None:
        return attempt.enrolment, attempt
    return enrolment_for_lesson(user=user, lesson=lesson), None


def lesson_navigation(
    *, enrolment: Enrolment, attempt: Attempt, lesson_ids: list[int]
) -> tuple[list[dict[str, Any]], frozenset[int]]:
    """The live lessons of a learner's path in order, each with whether the learner completed
    it in this attempt (`rules.done_in_attempt`), and the lessons of the path the learner
    completed (live or not: `rules.lessons_done` counts the whole path, as `course_progress`
    does), in one query."""
    from courses.models import LessonPage

    completed = LessonProgress.objects.filter(
        enrolment=enrolment, lesson_id=OuterRef("pk"), completed_at__gte=attempt.started_at
    )
    rows = {
        row["pk"]: row
        for row in LessonPage.objects.filter(pk__in=lesson_ids)
        .annotate(completed=Exists(completed))
        .values("pk", "title", "minutes", "live", "completed")
    }
    navigation = [rows[pk] for pk in lesson_ids if pk in rows and rows[pk]["live"]]
    return navigation, frozenset(pk for pk, row in rows.items() if row["completed"])


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
                "options": [
                    {"id": o["id"], "text": o["text"]}
                    for o in rules.in_order(scene["options"], scene.get("option_order"))
                ],
            }
            break
        steps.append(
            {
                "key": key,
                "text": scene["text"],
                "chosen": option["text"],
                "recommended": option["recommended"],
                "feedback": option["feedback"],
                "recommended_options": [
                    o["text"]
                    for o in rules.in_order(scene["options"], scene.get("option_order"))
                    if o["recommended"]
                ],
            }
        )
        key = option["next"]
    return {"steps": steps, "current": current, "ended": current is None}


@dataclass(frozen=True)
class ReviewQuestion:
    """A graded question of an attempt that was answered wrongly, or not yet."""

    question_id: str
    question: str
    lesson_id: int
    answered: bool


@dataclass(frozen=True)
class ReviewLesson:
    """The questions to review of one lesson (texts, in the attempt's order)."""

    lesson_id: int
    title: str
    wrong: list[str]
    open: list[str]


@dataclass(frozen=True)
class AttemptReview:
    """Where an attempt stands: the one read model behind the attempt page (overview and
    result) and `GET /api/v1/attempts/{id}` (its `answers` and `review`).

    `to_review` are the graded questions not answered correctly, in the attempt's order; the
    titles of their lessons are read only when asked for (`lesson_titles`)."""

    total: int
    answered: int
    correct: int
    answers: list[Answer]  # in the order they were given
    to_review: list[ReviewQuestion]

    @property
    def open(self) -> int:
        """Graded questions not answered yet."""
        return self.total - self.answered

    @property
    def wrong(self) -> list[ReviewQuestion]:
        return [q for q in self.to_review if q.answered]

    @cached_property
    def lesson_titles(self) -> dict[int, str]:
        """The titles of the lessons with a question to review (a lesson deleted since the
        attempt started has none), in one query."""
        from courses.models import LessonPage

        ids = {q.lesson_id for q in self.to_review}
        if not ids:
            return {}
        return dict(LessonPage.objects.filter(pk__in=ids).values_list("pk", "title"))

    @cached_property
    def lessons(self) -> list[ReviewLesson]:
        """The questions to review grouped by lesson, lessons in the attempt's order."""
        lessons: dict[int, ReviewLesson] = {}
        for question in self.to_review:
            entry = lessons.setdefault(
                question.lesson_id,
                ReviewLesson(
                    lesson_id=question.lesson_id,
                    title=self.lesson_titles.get(question.lesson_id, ""),
                    wrong=[],
                    open=[],
                ),
            )
            (entry.wrong if question.answered else entry.open).append(question.question)
        return list(lessons.values())


def attempt_graded_in_force(attempt: Attempt) -> list[dict]:
    """The attempt's graded questions whose lesson is still live, in one query: a lesson an
    editor deleted or unpublished after the attempt started can no longer be opened, so its
    questions neither keep the learner from submitting nor count in the score (before, the
    attempt could never be submitted and no new one started)."""
    from courses.models import LessonPage

    graded = attempt.graded_questions
    live = set(
        LessonPage.objects.live()
        .filter(pk__in={q["lesson_id"] for q in graded})
        .values_list("pk", flat=True)
    )
    return [q for q in graded if q["lesson_id"] in live]


def attempt_review(*, attempt: Attempt) -> AttemptReview:
    """The attempt's answers and what the learner has to review (`AttemptReview`), in one
    query (two when the lessons' titles are shown), one more while the attempt is open: the
    questions of lessons no longer live are then left out (`attempt_graded_in_force`), as
    they are when it is graded."""
    answers = list(attempt.answers.order_by("answered_at", "pk"))
    by_question = {a.question_id: a for a in answers}
    graded = (
        attempt_graded_in_force(attempt)
        if attempt.status == Attempt.Status.IN_PROGRESS
        else attempt.graded_questions  # a submitted attempt: its snapshot as it was
    )
    to_review = [
        ReviewQuestion(
            question_id=question["id"],
            question=question["question"],
            lesson_id=question["lesson_id"],
            answered=question["id"] in by_question,
        )
        for question in graded
        if not (question["id"] in by_question and by_question[question["id"]].is_correct)
    ]
    answered = sum(1 for q in graded if q["id"] in by_question)
    return AttemptReview(
        total=len(graded),
        answered=answered,
        correct=answered - sum(1 for q in to_review if q.answered),
        answers=answers,
        to_review=to_review,
    )


@dataclass(frozen=True)
class CourseProgress:
    """Where a person stands in a course: the one read model behind the course page, the lesson
    player's course link, "Mijn leren" and `GET /me/progress`.

    Lessons, resume point and time spent are of the enrolment (one language version) and its
    current attempt; attempts, cool-down, best score and passing count the course across its
    language versions (its translation key)."""

    course: Any
    enrolment: Enrolment | None
    attempt: Attempt | None  # the current attempt of this enrolment (`current_attempt`)
    attempts: list[Attempt]  # this enrolment's, newest first
    completed_lesson_ids: frozenset[int]
    lessons_done: int
    lessons_total: int  # the lessons the learner will take (`attempt_lessons_to_come`)
    # before the storyline choice, when storylines differ in length: `lessons_total` counts the
    # shared lessons only ("plus the lessons of the storyline you choose")
    storyline_lessons_uncounted: bool
    resume_lesson_id: int | None
    seconds_spent: int
    retake: rules.RetakeState
    best_score: Decimal | None
    completion: Completion | None
    # an attempt in progress in another language version of the course (the newest), with its
    # `course_language`: the course page offers to continue it there instead of starting over
    open_elsewhere: Attempt | None = None

    @property
    def passed(self) -> bool:
        return self.completion is not None

    @property
    def minutes_spent(self) -> int:
        return self.seconds_spent // 60

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0

    @property
    def open_attempt(self) -> Attempt | None:
        attempt = self.attempt
        return attempt if attempt and attempt.status == Attempt.Status.IN_PROGRESS else None

    @property
    def attempts_used(self) -> int:
        return self.retake.attempts_used

    @property
    def attempts_left(self) -> int | None:
        return self.retake.attempts_left

    @property
    def cooldown_until(self):
        return self.retake.available_at


def attempt_lessons_to_come(attempt: Attempt | None) -> rules.LessonsToCome:
    """The lessons the learner will take beyond the attempt's path so far: before the storyline
    choice, the closing lessons and the storyline's (`rules.lessons_to_come`). The read model
    and the lesson player add them to the path, so that every page counts the same total."""
    if attempt is None or attempt.storyline_id is not None:
        return rules.NONE_TO_COME
    if not attempt.snapshot.get("has_storylines"):
        return rules.NONE_TO_COME
    return rules.lessons_to_come(pending=attempt.snapshot.get("lessons_to_come", {}))


def _progress(
    *,
    course,
    enrolment: Enrolment | None,
    course_attempts: list[Attempt],
    completion: Completion | None,
) -> CourseProgress:
    """The read model from loaded rows: `course_attempts` are the person's attempts at the
    course in all its language versions; `enrolment.progress` is prefetched."""
    own = sorted(
        (a for a in course_attempts if enrolment is not None and a.enrolment_id == enrolment.pk),
        key=lambda a: a.number,
        reverse=True,
    )
    attempt = own[0] if own else None
    progress = list(enrolment.progress.all()) if enrolment is not None else []
    started = attempt.started_at if attempt else None
    completed = frozenset(
        p.lesson_id for p in progress if rules.done_in_attempt(p.completed_at, started)
    )
    path = attempt.snapshot.get("lesson_ids", []) if attempt else []
    to_come = attempt_lessons_to_come(attempt)
    submitted = [a for a in course_attempts if a.status == Attempt.Status.SUBMITTED]
    scores = [a.score for a in submitted if a.score is not None]
    return CourseProgress(
        course=course,
        enrolment=enrolment,
        attempt=attempt,
        attempts=own,
        completed_lesson_ids=completed,
        lessons_done=rules.lessons_done(path=path, completed=completed),
        lessons_total=len(path) + to_come.count,
        storyline_lessons_uncounted=to_come.storyline_uncounted,
        resume_lesson_id=rules.resume_lesson(
            path=path,
            last_lesson_id=enrolment.last_lesson_id if enrolment else None,
            open_attempt=attempt is not None and attempt.status == Attempt.Status.IN_PROGRESS,
        ),
        seconds_spent=sum(p.seconds_spent for p in progress),
        retake=_retake(course=course, attempts=course_attempts),
        best_score=max(scores) if scores else None,
        completion=completion,
        open_elsewhere=next(
            (
                a
                for a in course_attempts
                if a.status == Attempt.Status.IN_PROGRESS
                and (enrolment is None or a.enrolment_id != enrolment.pk)
            ),
            None,
        ),
    )


def _course_attempts(*, user, course_keys, snapshots: bool = True) -> dict[Any, list[Attempt]]:
    """The person's attempts per course (translation key: every language version), newest
    first, in one query: the one lookup behind the read model and the retake rule. Without
    `snapshots` the attempts' questions are not read (the retake rule needs none)."""
    found: dict[Any, list[Attempt]] = {}
    attempts = (
        Attempt.objects.filter(user=user, enrolment__course_key__in=list(course_keys))
        .select_related("storyline")
        .annotate(
            course_key=F("enrolment__course_key"),
            course_language=F("enrolment__course__locale__language_code"),
        )
        .order_by("-number")
    )
    if not snapshots:
        attempts = attempts.defer("snapshot")
    for attempt in attempts:
        found.setdefault(attempt.course_key, []).append(attempt)
    return found


def _retake(*, course, attempts: Iterable[Attempt]) -> rules.RetakeState:
    """The retake rule (`rules.retake_state`) over the person's attempts at `course` in every
    language version: switching language does not give a fresh count."""
    return rules.retake_state(
        submitted_at=[
            a.submitted_at or a.started_at for a in attempts if a.status == Attempt.Status.SUBMITTED
        ],
        max_attempts=course.max_attempts,
        cooldown_hours=course.retake_cooldown_hours,
        now=timezone.now(),
    )


def course_retake(*, user, course, course_key) -> rules.RetakeState:
    """Whether the person may start another attempt at `course` (`course_key`: its
    translation key): what `services.attempt_start` enforces, by the rule the pages show."""
    attempts = _course_attempts(user=user, course_keys=[course_key], snapshots=False)
    return _retake(course=course, attempts=attempts.get(course_key, []))


def _latest_completions(*, user, course_keys) -> dict[Any, Completion]:
    latest: dict[Any, Completion] = {}
    for completion in Completion.objects.filter(
        user=user, course_key__in=list(course_keys)
    ).order_by("cycle"):
        latest[completion.course_key] = completion  # the latest cycle wins
    return latest


def course_progress(*, user, course) -> CourseProgress:
    """The person's progress in `course` (a language version), in four queries."""
    # at most one enrolment per person and course (unique): no ORDER BY, and none of Wagtail's
    # wide page rows joined (the read model needs the ids only)
    enrolment = next(
        iter(Enrolment.objects.filter(user=user, course=course).prefetch_related("progress")),
        None,
    )
    key = course.translation_key
    return _progress(
        course=course,
        enrolment=enrolment,
        course_attempts=_course_attempts(user=user, course_keys=[key]).get(key, []),
        completion=_latest_completions(user=user, course_keys=[key]).get(key),
    )


def learner_progress(*, user, enrolments=None) -> list[CourseProgress]:
    """The person's progress in each of their enrolments (or in `enrolments`, a slice of
    `learner_enrolments`), most recent activity first, in four queries."""
    rows = list(enrolments if enrolments is not None else learner_enrolments(user=user))
    keys = {e.course_key for e in rows}
    attempts = _course_attempts(user=user, course_keys=keys)
    completions = _latest_completions(user=user, course_keys=keys)
    return [
        _progress(
            course=e.course,
            enrolment=e,
            course_attempts=attempts.get(e.course_key, []),
            completion=completions.get(e.course_key),
        )
        for e in rows
    ]


def missing_prerequisites(*, user, course) -> list:
    """The prerequisites of `course` the person has not passed (in any language version), in
    two queries however many there are: what the course page lists and enrolling refuses."""
    prerequisites = list(course.prerequisites.all())
    if not prerequisites:
        return []
    passed_keys = set(
        Completion.objects.filter(
            user=user, course_key__in=[p.translation_key for p in prerequisites]
        ).values_list("course_key", flat=True)
    )
    return [p for p in prerequisites if p.translation_key not in passed_keys]


def course_learner_context(*, request, course) -> dict[str, Any]:
    """What a course page shows the learner (registered in courses.learner_context): their
    progress (`course_progress`) and the prerequisites they still miss."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"learning": None, "missing_prerequisites": []}
    return {
        "learning": course_progress(user=user, course=course),
        "missing_prerequisites": missing_prerequisites(user=user, course=course),
    }
