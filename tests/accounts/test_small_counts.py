"""The one small-count rule (reporting and training evaluations share it)."""

from accounts import small_counts
from reporting import rules as reporting_rules


def test_one_to_four_people_are_shown_as_lt5():
    assert [small_counts.suppress(n) for n in (0, 1, 4, 5, 37)] == [0, "<5", "<5", 5, 37]
    assert [small_counts.is_small(n) for n in (0, 1, 4, 5)] == [False, True, True, False]


def test_reporting_uses_the_same_rule():
    assert reporting_rules.suppress is small_counts.suppress
    assert reporting_rules.SMALL_CELL_THRESHOLD == small_counts.SMALL_CELL_THRESHOLD == 5
