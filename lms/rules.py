"""Pure learning rules (no database): when a learner may start another attempt, how many
lessons they did, where they resume, and the order an attempt shows options in.
`lms.selectors.course_progress` (what every page and the API show), the lesson player and
`lms.services.attempt_start` (what is enforced) use them, so they cannot disagree."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class RetakeState:
    """Attempts used and left for a course (all its language versions) and the end of a
    cool-down after the latest submitted attempt."""

    attempts_used: int
    max_attempts: int | None
    attempts_left: int | None
    available_at: datetime | None

    @property
    def can_start(self) -> bool:
        return self.attempts_left != 0 and self.available_at is None


def retake_state(
    *,
    submitted_at: list[datetime],
    max_attempts: int | None,
    cooldown_hours: int | None,
    now: datetime,
) -> RetakeState:
    """`submitted_at`: when each submitted attempt at the course was submitted, in any of its
    language versions. `max_attempts` 0 or None means no limit."""
    used = len(submitted_at)
    left = max(0, max_attempts - used) if max_attempts else None
    available_at = None
    if submitted_at and cooldown_hours:
        ready_at = max(submitted_at) + timedelta(hours=cooldown_hours)
        if now < ready_at:
            available_at = ready_at
    return RetakeState(
        attempts_used=used,
        max_attempts=max_attempts or None,
        attempts_left=left,
        available_at=available_at,
    )


def lessons_done(*, path: list[int], completed: frozenset[int]) -> int:
    """How many lessons of an attempt's path the learner finished: the count the lesson player,
    the course page, "Mijn leren" and the API show (out of `len(path)`)."""
    return sum(1 for pk in path if pk in completed)


@dataclass(frozen=True)
class LessonsToCome:
    """Lessons a learner will take beyond the attempt's path so far: before the storyline
    choice the path holds the shared introduction only."""

    count: int  # sure to come: the closing lessons, and the storyline's when all are as long
    storyline_uncounted: bool  # storylines differ in length: theirs are not in `count`


NONE_TO_COME = LessonsToCome(count=0, storyline_uncounted=False)


def lessons_to_come(*, pending: dict[str, Any] | None) -> LessonsToCome:
    """`pending`: while the learner has not chosen a storyline, what the attempt noted at its
    start ({"closing": n, "storylines": [n, ...]}: how many lessons the choice adds), `{}` for
    an attempt started before it noted this; None once chosen or without storylines. The total
    the course page, the lesson player, "Mijn leren" and the API show is the path's length plus
    `count`."""
    if pending is None:
        return NONE_TO_COME
    closing = int(pending.get("closing", 0))
    lengths = set(pending.get("storylines", []))
    if len(lengths) == 1:
        return LessonsToCome(count=closing + lengths.pop(), storyline_uncounted=False)
    return LessonsToCome(count=closing, storyline_uncounted=True)


def done_in_attempt(completed_at, attempt_started_at) -> bool:
    """Whether a lesson the learner last finished at `completed_at` counts as done in an
    attempt started at `attempt_started_at`: finished during it (a lesson finished in an
    earlier attempt is to be taken again)."""
    return (
        completed_at is not None
        and attempt_started_at is not None
        and completed_at >= attempt_started_at
    )


def resume_lesson(*, path: list[int], last_lesson_id: int | None, open_attempt: bool) -> int | None:
    """The lesson to continue with: only while an attempt is open; the last lesson seen when it
    belongs to the attempt's path, else the path's first lesson."""
    if not open_attempt or not path:
        return None
    return last_lesson_id if last_lesson_id in path else path[0]


def shuffled_orders(question: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The question with the order this attempt shows its options in (`option_order`; per scene
    for a scenario, and `item_order` for an ordering question, never the right order when it
    can be avoided), stored in the attempt's snapshot so the order stays for the attempt. The
    content's own order, which editors see, is left as it is."""
    question = dict(question)
    if question["type"] in ("single_choice", "multiple_choice"):
        question["option_order"] = _shuffled([o["id"] for o in question["options"]], rng)
    elif question["type"] == "ordering":
        right = [i["id"] for i in question["items"]]
        order = right
        for _try in range(10):  # avoid showing the answer
            order = _shuffled(right, rng)
            if len(right) < 2 or order != right:
                break
        question["item_order"] = order
    elif question["type"] == "scenario":
        question["scenes"] = [
            {**scene, "option_order": _shuffled([o["id"] for o in scene["options"]], rng)}
            for scene in question["scenes"]
        ]
    return question


def _shuffled(ids: list[str], rng: random.Random) -> list[str]:
    ids = list(ids)
    rng.shuffle(ids)
    return ids


def in_order(items: list[dict[str, Any]], order: list[str] | None) -> list[dict[str, Any]]:
    """`items` (dicts with an `id`) in the attempt's stored `order`; content order without one
    (an attempt started before orders were stored). Items the order does not name come last."""
    if not order:
        return list(items)
    by_id = {item["id"]: item for item in items}
    named = set(order)
    return [by_id[i] for i in order if i in by_id] + [i for i in items if i["id"] not in named]
