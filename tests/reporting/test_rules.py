import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting import rules
from reporting.rules import Status


def test_required_rate_spreads_the_rest_over_the_months_left():
    # 1 July to 31 December inclusive = 184 days = 184 / 30.436875 months
    rate = rules.required_monthly_rate(
        achieved=8000, goal=20000, today=date(2026, 7, 1), period_end=date(2026, 12, 31)
    )
    assert rate == Decimal(12000) / (Decimal(184) / (Decimal("365.2425") / 12))
    assert round(rate, 1) == Decimal("1985.0")


def test_required_rate_edges():
    assert rules.required_monthly_rate(
        achieved=30, goal=20, today=date(2026, 1, 1), period_end=date(2026, 12, 31)
    ) == Decimal(0)
    assert (
        rules.required_monthly_rate(
            achieved=1, goal=20, today=date(2027, 1, 1), period_end=date(2026, 12, 31)
        )
        is None
    )
    assert (
        rules.required_monthly_rate(
            achieved=1, goal=None, today=date(2026, 1, 1), period_end=date(2026, 12, 31)
        )
        is None
    )


def test_actual_rate_uses_the_last_three_complete_months():
    counts = {
        date(2026, 4, 1): 100,  # too old
        date(2026, 5, 1): 30,
        date(2026, 6, 1): 60,
        date(2026, 7, 1): 90,
        date(2026, 8, 1): 500,  # the current, incomplete month
    }
    rate = rules.actual_monthly_rate(
        monthly_counts=counts, today=date(2026, 8, 20), period_start=date(2024, 1, 1)
    )
    assert rate == Decimal(60)


def test_actual_rate_early_in_the_period_uses_the_months_there_are():
    counts = {date(2026, 1, 1): 40, date(2026, 2, 1): 20}
    assert rules.actual_monthly_rate(
        monthly_counts=counts, today=date(2026, 3, 5), period_start=date(2026, 1, 1)
    ) == Decimal(30)
    assert (
        rules.actual_monthly_rate(
            monthly_counts=counts, today=date(2026, 1, 20), period_start=date(2026, 1, 1)
        )
        is None
    )


def test_forecast_date_and_status():
    f = rules.forecast(
        achieved=8000,
        goal=20000,
        monthly_counts={date(2026, 4, 1): 1000, date(2026, 5, 1): 1000, date(2026, 6, 1): 1000},
        today=date(2026, 7, 1),
        period_start=date(2024, 1, 1),
        period_end=date(2026, 12, 31),
    )
    # 12000 left at 1000 a month = 12 months = ceil(365.2425) = 366 days
    assert f.actual_rate == Decimal(1000)
    assert f.forecast_date == date(2027, 7, 2)
    assert f.status == Status.BEHIND
    assert f.percentage == Decimal("40.0")

    fast = rules.forecast(
        achieved=8000,
        goal=20000,
        monthly_counts={date(2026, 4, 1): 3000, date(2026, 5, 1): 3000, date(2026, 6, 1): 3000},
        today=date(2026, 7, 1),
        period_start=date(2024, 1, 1),
        period_end=date(2026, 12, 31),
    )
    assert fast.forecast_date == date(2026, 10, 31)  # 4 months = ceil(121.7475) = 122 days
    assert fast.status == Status.ON_TRACK


def test_a_forecast_past_the_last_date_there_is_is_none_and_the_target_behind():
    f = rules.forecast(
        achieved=0,
        goal=100_000_000,
        monthly_counts={date(2026, 6, 1): 1},
        today=date(2026, 7, 1),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    assert f.actual_rate > 0
    assert f.forecast_date is None
    assert f.status == Status.BEHIND


@pytest.mark.parametrize(
    ("achieved", "goal", "today", "expected"),
    [
        (5, None, date(2026, 6, 1), Status.NO_GOAL),
        (20, 20, date(2026, 6, 1), Status.REACHED),
        (19, 20, date(2027, 1, 1), Status.MISSED),
        (0, 20, date(2025, 12, 31), Status.NOT_STARTED),
        (0, 20, date(2026, 6, 1), Status.BEHIND),  # nothing happening: no forecast
    ],
)
def test_status(achieved, goal, today, expected):
    f = rules.forecast(
        achieved=achieved,
        goal=goal,
        monthly_counts={},
        today=today,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    assert f.status == expected


def test_suppression_of_small_cells():
    assert [rules.suppress(n) for n in (0, 1, 4, 5, 120)] == [0, "<5", "<5", 5, 120]


def _values_a_reader_can_derive(cells, total):
    """Brute force, independent of rules.hidden_cell_values: for each hidden cell, the values
    it can take such that the hidden cells ("<5": 1-4, "≥5": 5 or more) add up to the total
    minus the shown cells (None: the total is not shown, nothing to derive)."""
    if not isinstance(total, int):
        return None
    hidden = [c for c in cells if not isinstance(c, int)]
    rest = total - sum(c for c in cells if isinstance(c, int))
    domains = [range(1, 5) if c == "<5" else range(5, rest + 1) for c in hidden]
    possible = [set() for _ in hidden]
    for values in itertools.product(*domains):
        if sum(values) == rest:
            for i, v in enumerate(values):
                possible[i].add(v)
    return rest, possible


@pytest.mark.parametrize(
    ("counts", "cells", "total"),
    [
        ([12, 3, 7, 0], [12, "<5", "≥5", 0], 22),
        ([12, 3, 2, 7], [12, "<5", "<5", 7], 24),
        ([3, 0], ["<5", 0], "<5"),
        ([8, 9], [8, 9], 17),
        # "<5" and "≥5" adding up to 6 can only be 1 and 5: a third cell is hidden as well
        ([1, 5, 9], ["<5", "≥5", "≥5"], 15),
        # two "<5" that add up to 2 (1 and 1), or to 4 (a small group): another cell is hidden
        ([1, 1, 100], ["<5", "<5", "≥5"], 102),
        ([2, 2, 7, 30], ["<5", "<5", "≥5", 30], 41),
        # nothing left to hide: the total is withheld
        ([1, 5], ["<5", "≥5"], "x"),
    ],
)
def test_a_breakdown_suppresses_until_its_total_gives_nothing_away(counts, cells, total):
    assert rules.suppress_breakdown(counts) == (cells, total)


@given(st.lists(st.integers(min_value=0, max_value=14), max_size=6))
def test_no_small_count_can_be_worked_out_from_a_breakdown(counts):
    cells, total = rules.suppress_breakdown(counts)
    for cell, count in zip(cells, counts, strict=True):
        assert cell == count or (cell == "<5" and 0 < count < 5) or (cell == "≥5" and count >= 5)
    assert total in (sum(counts), "<5", "x")
    assert total != "<5" or 0 < sum(counts) < 5
    derived = _values_a_reader_can_derive(cells, total)
    if derived is not None:
        rest, possible = derived
        assert rest == 0 or rest >= 5  # the hidden cells together are no small group
        assert all(len(values) > 1 for values in possible)  # no hidden cell is pinned down


def _union_tables_a_reader_can_rebuild(table: rules.UnionTable):
    """Brute force, independent of rules.suppress_union_table: every table of whole numbers
    that fits what the published table says (shown cells; "<5": 1-4; "≥5": 5 or more; each
    column adds up to its total when that is shown, 1-4 when it is "<5"; in each row
    max(sources) <= once <= sum(sources)). Yields each table as a list of rows."""
    width = len(table.totals)
    height = len(table.rows)
    per_column = []
    for j in range(width):
        column = [row[j] for row in table.rows]
        total = table.totals[j]
        shown = sum(c for c in column if isinstance(c, int))
        cap = total if isinstance(total, int) else 60
        domains = [
            [c] if isinstance(c, int) else range(1, 5) if c == "<5" else range(5, cap + 1)
            for c in column
        ]
        fits = []
        for values in itertools.product(*domains):
            if isinstance(total, int) and sum(values) != total:
                continue
            if total == "<5" and not 0 < sum(values) < 5:
                continue
            fits.append(values)
        per_column.append(fits)
        assert shown <= cap
    for columns in itertools.product(*per_column):
        rows = [[columns[j][i] for j in range(width)] for i in range(height)]
        if all(max(row[:-1]) <= row[-1] <= sum(row[:-1]) for row in rows):
            yield rows


def _union_counts(masks):
    """Rows of (e-learning, on location, once) from people per region with e-learning only,
    on location only and both."""
    return [[e + b, t + b, e + t + b] for e, t, b in masks]


@pytest.mark.parametrize(
    ("counts", "rows", "totals"),
    [
        # 0 e-learning, "≥5" on location and 6 once would give the "≥5" (6) and then the "<5"
        # (7 - 6 = 1) away: more is hidden (safe, not the fewest cells possible)
        ([[6, 1, 6], [0, 6, 6]], [["≥5", "<5", "≥5"], [0, "≥5", "≥5"]], ["x", 7, 12]),
        # rows and columns together: the once column says row 1 holds at most 2 once, so its
        # e-learning "<5" (at least 2 from its column) would be 2
        ([[2, 1, 2], [4, 6, 7]], [["<5", "<5", "<5"], ["<5", "≥5", "≥5"]], [6, 7, 9]),
        # 9 once beside 7 e-learning leaves 2 to 4 for the "<5": nothing pinned
        (
            [[6, 0, 6], [7, 3, 9], [20, 20, 30]],
            [[6, 0, 6], [7, "<5", 9], [20, "≥5", 30]],
            [33, 23, 45],
        ),
        ([[2, 0, 2], [0, 0, 0]], [["<5", 0, "<5"], [0, 0, 0]], ["<5", 0, "<5"]),
        ([[8, 9, 12], [10, 5, 15]], [[8, 9, 12], [10, 5, 15]], [18, 14, 27]),
    ],
)
def test_a_region_by_source_table_hides_what_its_totals_give_away(counts, rows, totals):
    table = rules.suppress_union_table(counts)
    assert (table.rows, table.totals) == (rows, totals)
    rebuilt = list(_union_tables_a_reader_can_rebuild(table))
    assert counts in rebuilt
    hidden = [
        (i, j) for i, row in enumerate(table.rows) for j, c in enumerate(row) if c in ("<5", "≥5")
    ]
    for i, j in hidden:
        assert len({t[i][j] for t in rebuilt}) > 1


def test_an_empty_region_by_source_table_has_nothing_to_hide():
    assert rules.suppress_union_table([]) == rules.UnionTable(rows=[], totals=[])


def test_percentage():
    assert rules.percentage(achieved=172, goal=351) == Decimal("49.0")
    assert rules.percentage(achieved=3, goal=0) is None


def test_a_cumulative_figure_never_gives_a_small_month_away():
    assert rules.suppress_series([6, 0, 2, 0, 3, 7, 1]) == [
        (6, 6),
        (0, 6),
        ("<5", "x"),  # 8 - 6 would reveal the 2
        (0, "x"),
        ("<5", 11),  # 11 - 6 = 5: only the two hidden months together, 5 or more
        (7, 18),
        ("<5", "x"),
    ]
    # one small month does not hide the cumulative column for good: a complement is hidden too
    assert rules.suppress_series([3, 0, 9, 6]) == [
        ("<5", "x"),
        (0, "x"),
        ("≥5", 12),
        (6, 18),
    ]
    assert rules.suppress_series([]) == []
    assert rules.suppress_series([0, 12]) == [(0, 0), (12, 12)]


@given(st.lists(st.integers(min_value=0, max_value=12), max_size=16))
def test_shown_cumulative_figures_never_differ_by_a_small_hidden_amount(counts):
    series = rules.suppress_series(counts)
    months = [cell for cell, _cum in series]
    for cell, n in zip(months, counts, strict=True):
        assert cell == n or (cell == "<5" and 0 < n < 5) or (cell == "≥5" and n >= 5)
    shown = [(-1, 0)] + [(i, cum) for i, (_c, cum) in enumerate(series) if cum != "x"]
    for (a, cum_a), (b, cum_b) in itertools.pairwise(shown):
        assert cum_b == sum(counts[: b + 1])
        exact = sum(
            n
            for n, cell in zip(counts[a + 1 : b + 1], months[a + 1 : b + 1], strict=True)
            if cell == n
        )
        hidden = cum_b - cum_a - exact
        assert hidden == 0 or hidden >= rules.SMALL_CELL_THRESHOLD
        # and no hidden month between them can be worked out from that difference
        between = [cell for cell in months[a + 1 : b + 1] if cell in ("<5", "≥5")]
        _rest, possible = _values_a_reader_can_derive(between, hidden)
        assert all(len(values) > 1 for values in possible)
    # once a month of 6 or more follows, the cumulative column is shown again (after a 1, a
    # month of exactly 5 would make the two hidden months add up to 6: only 1 + 5)
    if counts and counts[-1] >= 6:
        assert series[-1][1] == sum(counts)


def test_rates_in_whole_people_and_the_months_the_rate_averages():
    f = rules.forecast(
        achieved=10,
        goal=20000,
        monthly_counts={date(2026, 5, 1): 2, date(2026, 6, 1): 3},
        today=date(2026, 7, 1),
        period_start=date(2026, 5, 1),
        period_end=date(2026, 12, 31),
    )
    # 19990 people in 184 days (6.05 average months): 3306.7 a month, so 3307 whole people
    assert 3306 < f.required_rate < 3307
    assert f.required_people == 3307
    assert f.actual_rate == Decimal("2.5") and f.actual_people == 3  # half rounds up
    assert f.rate_months == 2  # only May and June lie in the period
    none_yet = rules.forecast(
        achieved=0,
        goal=5,
        monthly_counts={},
        today=date(2026, 5, 20),
        period_start=date(2026, 5, 1),
        period_end=date(2026, 12, 31),
    )
    assert none_yet.actual_people is None and none_yet.rate_months == 0


def _forecast(achieved, rate, months=3, goal=1000):
    return rules.Forecast(
        achieved=achieved,
        goal=goal,
        percentage=rules.percentage(achieved=achieved, goal=goal),
        required_rate=Decimal(goal - achieved) / 10,
        actual_rate=rate,
        forecast_date=date(2027, 1, 1) if rate else None,
        status=Status.BEHIND,
        rate_months=months,
    )


def test_published_headline_figures():
    shown = rules.publish_forecast(_forecast(120, Decimal(10)))
    assert (shown.achieved, shown.percentage, shown.actual_people) == (120, Decimal("12.0"), 10)
    assert shown.forecast_date == date(2027, 1, 1)
    # 3 achieved: everything worked out from it is withheld
    small = rules.publish_forecast(_forecast(3, Decimal(1)))
    assert (small.achieved, small.percentage, small.required_people) == ("<5", "x", "x")
    assert small.forecast_date == "x"
    # a rate over 3 months that adds up to 4 people: "<5" a month (true), no forecast date
    slow = rules.publish_forecast(_forecast(120, Decimal(4) / 3))
    assert (slow.achieved, slow.actual_people, slow.forecast_date) == (120, "<5", "x")


@given(
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=1, max_value=3),
)
def test_no_published_headline_figure_reveals_a_small_count(achieved, window_total, months):
    rate = Decimal(window_total) / months
    shown = rules.publish_forecast(_forecast(achieved, rate, months=months))
    figures = (shown.percentage, shown.required_people, shown.forecast_date)
    if 0 < achieved < 5:
        assert shown.achieved == "<5"
        assert all(f in ("x", None) for f in figures)
    else:
        assert shown.achieved == achieved
    if 0 < window_total < 5:
        assert shown.actual_people == "<5" and shown.forecast_date in ("x", None)
