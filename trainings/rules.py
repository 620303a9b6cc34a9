"""Pure rules of sessions and registration (no Django imports)."""

from datetime import datetime, timedelta

#: how long a scanned attendance code stays valid after the trainer shows it
ATTENDANCE_CODE_MINUTES = 15
#: trainers may start marking attendance this long before the start
ATTENDANCE_OPENS_BEFORE = timedelta(minutes=30)
#: ... and correct it until a week after the end
ATTENDANCE_CLOSES_AFTER = timedelta(days=7)
#: the reminder goes out this long before the start
REMINDER_BEFORE = timedelta(days=2)

#: the evaluation's questions on a scale (1 = not at all … 5 = very much)
EVALUATION_SCALE_QUESTIONS = ("usefulness", "trainer_clarity", "confidence")
EVALUATION_SCALE_MIN = 1
EVALUATION_SCALE_MAX = 5
#: the optional free text: long enough for a remark, short enough to read in a list
EVALUATION_COMMENT_MAX_LENGTH = 1000
#: attendance statuses that may evaluate (who left early was there too)
EVALUATION_ATTENDANCE = ("present", "partial")
#: the evaluation is open from the session's start until this long after its end: long enough
#: for a late attendance correction (a week) and a holiday, short enough to remember the day
EVALUATION_OPEN_AFTER = timedelta(days=28)


def status_for_new_registration(*, registered: int, capacity: int) -> str:
    """A free place gives a place; otherwise the waiting list."""
    return "registered" if registered < capacity else "waiting"


def may_cancel(*, now: datetime, starts_at: datetime, cancellation_hours: int) -> bool:
    return now <= starts_at - timedelta(hours=cancellation_hours)


def attendance_window_open(*, now: datetime, starts_at: datetime, ends_at: datetime) -> bool:
    return starts_at - ATTENDANCE_OPENS_BEFORE <= now <= ends_at + ATTENDANCE_CLOSES_AFTER


def completion_time(*, now: datetime, ends_at: datetime) -> datetime:
    """A completion is dated at the end of the session, or now when marked during it."""
    return min(now, ends_at)


def evaluation_open(*, now: datetime, starts_at: datetime, ends_at: datetime) -> bool:
    """The evaluation can be answered from the start until EVALUATION_OPEN_AFTER the end."""
    return starts_at <= now <= ends_at + EVALUATION_OPEN_AFTER


def evaluation_closes_at(*, ends_at: datetime) -> datetime:
    return ends_at + EVALUATION_OPEN_AFTER


def may_evaluate(
    *, now: datetime, starts_at: datetime, ends_at: datetime, attendance_status: str | None
) -> bool:
    """Participants who were there answer the evaluation while it is open."""
    return attendance_status in EVALUATION_ATTENDANCE and evaluation_open(
        now=now, starts_at=starts_at, ends_at=ends_at
    )


def left_at_from_time_of_day(*, local_start: datetime, hour: int, minute: int) -> datetime:
    """The moment a participant left, from the time of day a trainer enters ("21:40"): on the
    session's day, or the next day when the time lies before the start (an evening session
    that runs past midnight). `local_start` is the start in the session's time zone; the
    service still checks that the moment lies within the session."""
    left_at = local_start.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if left_at < local_start:
        left_at += timedelta(days=1)
    return left_at
