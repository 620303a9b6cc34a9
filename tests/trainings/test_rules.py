"""Pure rules of sessions (no database)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from trainings import rules

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_a_time_after_the_start_is_on_the_sessions_day():
    start = datetime(2026, 3, 12, 19, 30, tzinfo=AMSTERDAM)
    assert rules.left_at_from_time_of_day(local_start=start, hour=21, minute=40) == datetime(
        2026, 3, 12, 21, 40, tzinfo=AMSTERDAM
    )


def test_a_time_before_the_start_is_the_next_day():
    start = datetime(2026, 3, 12, 19, 30, tzinfo=AMSTERDAM)
    assert rules.left_at_from_time_of_day(local_start=start, hour=0, minute=15) == datetime(
        2026, 3, 13, 0, 15, tzinfo=AMSTERDAM
    )


def test_the_start_itself_is_the_same_day():
    start = datetime(2026, 3, 12, 19, 30, tzinfo=AMSTERDAM)
    assert rules.left_at_from_time_of_day(local_start=start, hour=19, minute=30) == start
