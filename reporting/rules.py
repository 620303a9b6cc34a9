"""Pure reporting rules (no Django): forecast arithmetic and small-cell suppression.

Rates are "per month" with a month of 365.2425 / 12 days, so a rate and a forecast date do not
depend on which calendar months happen to be involved."""

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

# small-count suppression has one home (accounts.small_counts), shared with trainings' evaluations
from accounts.small_counts import (
    SMALL_CELL_THRESHOLD,
    SUPPRESSED,
    SUPPRESSED_COMPLEMENT,
    Cell,
    suppress,
)

#: Shown instead of a cumulative figure that would let a "<5" month be derived (CBS uses "x"
#: for a figure withheld for confidentiality).
SUPPRESSED_CUMULATIVE = "x"
#: The actual rate is measured over this many complete calendar months before today's month.
RATE_WINDOW_MONTHS = 3
DAYS_PER_MONTH = Decimal("365.2425") / 12


class Status:
    NO_GOAL = "no_goal"
    NOT_STARTED = "not_started"
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"


@dataclass(frozen=True)
class Forecast:
    achieved: int
    goal: int | None
    percentage: Decimal | None
    required_rate: Decimal | None
    actual_rate: Decimal | None
    forecast_date: date | None
    status: str
    #: how many complete months the actual rate is the average of (0: no rate yet)
    rate_months: int = 0

    @property
    def required_people(self) -> int | None:
        """The needed rate in whole people: rounded up (0.2 of a person still needs training)."""
        return None if self.required_rate is None else math.ceil(self.required_rate)

    @property
    def actual_people(self) -> int | None:
        """The actual rate in whole people (half rounds up)."""
        if self.actual_rate is None:
            return None
        return int(self.actual_rate.quantize(Decimal(1), ROUND_HALF_UP))


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_between(start: date, end: date) -> Decimal:
    """Length of [start, end) in average months (negative when end is before start)."""
    return Decimal((end - start).days) / DAYS_PER_MONTH


def percentage(*, achieved: int, goal: int | None) -> Decimal | None:
    """Share of the goal reached, in percent with one decimal (may exceed 100)."""
    if not goal:
        return None
    return (Decimal(achieved) * 100 / Decimal(goal)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def required_monthly_rate(
    *, achieved: int, goal: int | None, today: date, period_end: date
) -> Decimal | None:
    """People per month needed from today to reach the goal by the end of `period_end`
    (inclusive). 0 when reached; None without a goal or when no time is left."""
    if goal is None:
        return None
    remaining = goal - achieved
    if remaining <= 0:
        return Decimal(0)
    months_left = months_between(today, period_end + timedelta(days=1))
    if months_left <= 0:
        return None
    return Decimal(remaining) / months_left


def rate_window(*, today: date) -> tuple[date, date]:
    """[first, end) of the complete calendar months the actual rate is measured over."""
    end = month_start(today)
    return end - relativedelta(months=RATE_WINDOW_MONTHS), end


def rate_months(*, today: date, period_start: date) -> list[date]:
    """The complete months (at most RATE_WINDOW_MONTHS) before today's month that lie in the
    period: what the actual rate is the average of."""
    first, end = rate_window(today=today)
    first = max(first, month_start(period_start))
    months = []
    month = first
    while month < end:
        months.append(month)
        month += relativedelta(months=1)
    return months


def actual_monthly_rate(
    *, monthly_counts: Mapping[date, int], today: date, period_start: date
) -> Decimal | None:
    """Average people per month over the last complete months (at most RATE_WINDOW_MONTHS)
    that lie in the period. `monthly_counts` maps the first day of a month to its count.
    None when the period has no complete month yet."""
    months = rate_months(today=today, period_start=period_start)
    if not months:
        return None
    total = sum(monthly_counts.get(m, 0) for m in months)
    return Decimal(total) / len(months)


def forecast_date(
    *, achieved: int, goal: int | None, rate: Decimal | None, today: date
) -> date | None:
    """The day the goal is reached at `rate` people per month; None without a goal, when it is
    already reached, when nothing is happening (rate 0 or unknown) or when that day lies past
    the last date there is (a large N at a trickle: 100,000 people at 1 a month)."""
    if goal is None or achieved >= goal or not rate or rate <= 0:
        return None
    days = math.ceil(Decimal(goal - achieved) / rate * DAYS_PER_MONTH)
    if days > (date.max - today).days:
        return None
    return today + timedelta(days=days)


def status(
    *,
    achieved: int,
    goal: int | None,
    forecast: date | None,
    today: date,
    period_start: date,
    period_end: date,
) -> str:
    if goal is None:
        return Status.NO_GOAL
    if achieved >= goal:
        return Status.REACHED
    if today > period_end:
        return Status.MISSED
    if today < period_start:
        return Status.NOT_STARTED
    if forecast is not None and forecast <= period_end:
        return Status.ON_TRACK
    return Status.BEHIND


def forecast(
    *,
    achieved: int,
    goal: int | None,
    monthly_counts: Mapping[date, int],
    today: date,
    period_start: date,
    period_end: date,
) -> Forecast:
    """Everything the dashboard shows about one target's progress."""
    required = required_monthly_rate(
        achieved=achieved, goal=goal, today=today, period_end=period_end
    )
    actual = actual_monthly_rate(
        monthly_counts=monthly_counts, today=today, period_start=period_start
    )
    when = forecast_date(achieved=achieved, goal=goal, rate=actual, today=today)
    return Forecast(
        achieved=achieved,
        goal=goal,
        percentage=percentage(achieved=achieved, goal=goal),
        required_rate=required,
        actual_rate=actual,
        forecast_date=when,
        status=status(
            achieved=achieved,
            goal=goal,
            forecast=when,
            today=today,
            period_start=period_start,
            period_end=period_end,
        ),
        rate_months=len(rate_months(today=today, period_start=period_start)),
    )


def hidden_cell_values(cells: Sequence[Cell], total: int) -> list[set[int]]:
    """What a reader can work out about each hidden cell ("<5" or "≥5") of a breakdown from the
    shown cells and the shown `total`: the values each hidden cell can still have (a cell with
    one possible value is disclosed)."""
    hidden = [i for i, c in enumerate(cells) if not isinstance(c, int)]
    rest = total - sum(c for c in cells if isinstance(c, int))
    domains = {
        i: range(1, SMALL_CELL_THRESHOLD)
        if cells[i] == SUPPRESSED
        else range(SMALL_CELL_THRESHOLD, max(rest, SMALL_CELL_THRESHOLD) + 1)
        for i in hidden
    }
    possible = []
    for i in hidden:
        # integer ranges add up to a range: the others reach every sum from low to high
        others = [domains[j] for j in hidden if j != i]
        low = sum(d.start for d in others)
        high = sum(d.stop - 1 for d in others)
        possible.append({v for v in domains[i] if low <= rest - v <= high})
    return possible


def discloses(cells: Sequence[Cell], total: int) -> bool:
    """Whether the shown cells and `total` give a small count away: the hidden cells together
    hold 1 to 4 people, or one hidden cell can have only one value."""
    rest = total - sum(c for c in cells if isinstance(c, int))
    if 0 < rest < SMALL_CELL_THRESHOLD:
        return True
    return any(len(values) == 1 for values in hidden_cell_values(cells, total))


def suppress_breakdown(counts: Sequence[int]) -> tuple[list[Cell], Cell]:
    """The cells and the total of one breakdown whose rows add up to its total (ADR 0025).

    Cells of 1 to 4 are "<5". While the shown cells and the total still give a small count
    away (`discloses`: one "<5" beside the total; two "<5" cells that add up to 4; a "<5" and
    a "≥5" that can only be 1 and 5), the smallest shown cell of 5 or more is hidden as well
    ("≥5"); a total of 1 to 4 is itself "<5", and when no cell is left to hide the total is
    hidden ("x")."""
    cells: list[Cell] = [suppress(c) for c in counts]
    return cells, _hide_until_safe(cells, counts, sum(counts))


def _hide_until_safe(cells: list[Cell], counts: Sequence[int], total: int) -> Cell:
    """ADR 0025's rule on one breakdown whose `cells` (changed in place) add up to `total`:
    hide the smallest shown cell of 5 or more while a small count can be worked out; the total
    cell to show ("<5" for 1 to 4, "x" when nothing is left to hide)."""
    if suppress(total) == SUPPRESSED:
        return SUPPRESSED
    while discloses(cells, total):
        candidates = [i for i, c in enumerate(cells) if isinstance(c, int) and c > 0]
        if not candidates:
            return SUPPRESSED_CUMULATIVE
        smallest = min(candidates, key=lambda i: counts[i])
        cells[smallest] = SUPPRESSED_COMPLEMENT
    return total


#: stands for "no upper bound" in `union_table_pinned` (larger than any count of people)
_UNBOUNDED = 10**12


def _cell_bounds(cell: Cell) -> list[int]:
    """What a reader knows of one cell: its value, 1 to 4 ("<5"), or 5 or more ("≥5")."""
    if isinstance(cell, int):
        return [cell, cell]
    if cell == SUPPRESSED:
        return [1, SMALL_CELL_THRESHOLD - 1]
    return [SMALL_CELL_THRESHOLD, _UNBOUNDED]


def union_table_pinned(
    rows: Sequence[Sequence[Cell]], totals: Sequence[Cell]
) -> tuple[int, int] | None:
    """A hidden cell (row, column) of a published region-by-source table that a reader can pin
    to one value, or None. What the reader knows: the shown cells, "<5" is 1 to 4, "≥5" 5 or
    more, each column adds up to its total (1 to 4 for a "<5" total, anything for "x"), and in
    each row max(sources) <= once <= sum(sources). The bounds of every cell are narrowed by
    these rules until they stop changing (interval propagation over rows and columns together:
    a row can narrow a column and that column another row)."""
    height, width = len(rows), len(totals)
    if not height or not width:  # an empty table gives nothing away
        return None
    bounds = [[_cell_bounds(c) for c in row] for row in rows]
    column_sums: list[list[int] | None] = [
        None if t == SUPPRESSED_CUMULATIVE else _cell_bounds(t) for t in totals
    ]
    changed = True
    while changed:
        changed = False

        def narrow(b: list[int], low: int, high: int) -> None:
            nonlocal changed
            if low > b[0]:
                b[0], changed = low, True
            if high < b[1]:
                b[1], changed = high, True

        for j, total in enumerate(column_sums):
            if total is None:
                continue
            column = [bounds[i][j] for i in range(height)]
            low_sum, high_sum = sum(b[0] for b in column), sum(b[1] for b in column)
            for b in column:
                narrow(b, total[0] - (high_sum - b[1]), total[1] - (low_sum - b[0]))
        for row in bounds:
            *sources, once = row
            narrow(
                once,
                max(b[0] for b in sources),
                min(_UNBOUNDED, sum(b[1] for b in sources)),
            )
            high_sum = sum(b[1] for b in sources)
            for b in sources:
                narrow(b, once[0] - (high_sum - b[1]), once[1])
        # the rows added up: all people once are at most all source cells together, which
        # bounds a column whose total is withheld from below
        once_total = column_sums[-1]
        once_low = max(
            sum(row[-1][0] for row in bounds), once_total[0] if once_total is not None else 0
        )
        column_high = [
            min(_UNBOUNDED, sum(row[j][1] for row in bounds)) if known is None else known[1]
            for j, known in enumerate(column_sums[:-1])
        ]
        for j in range(width - 1):
            if column_sums[j] is not None:
                continue
            others = sum(column_high) - column_high[j]
            high_sum = column_high[j]
            for b in (row[j] for row in bounds):
                narrow(b, once_low - others - (high_sum - b[1]), b[1])
    for i, published in enumerate(rows):
        for j, cell in enumerate(published):
            if not isinstance(cell, int) and bounds[i][j][0] == bounds[i][j][1]:
                return i, j
    return None


@dataclass(frozen=True)
class UnionTable:
    """A table of people per row (region) and source with a last column of people once: the
    suppressed cells of each row (sources, then once) and of the total row."""

    rows: list[list[Cell]]
    totals: list[Cell]


def suppress_union_table(counts: Sequence[Sequence[int]]) -> UnionTable:
    """ADR 0025's rule on a table whose rows are people per source and, last, people once (a
    region's e-learning, on location, ..., and each person once), with a total row.

    Every column adds up to its total, so each column is first a breakdown of its own (ADR
    0025's rule: "<5", then "≥5" until nothing can be worked out, else the total "x"). Across
    a row the sources overlap, so a row only says max(sources) <= once <= sum(sources); rows
    and columns together can still pin a hidden cell (`union_table_pinned`). While one is
    pinned, the smallest shown cell of 5 or more in its row or column is hidden ("≥5"),
    failing that its column's total ("x"). Each pass hides one more cell, so it ends."""
    width = len(counts[0]) if counts else 0
    cells: list[list[Cell]] = [[suppress(n) for n in row] for row in counts]
    totals: list[Cell] = []
    for j in range(width):
        column = [row[j] for row in cells]
        totals.append(
            _hide_until_safe(column, [row[j] for row in counts], sum(row[j] for row in counts))
        )
        for row, cell in zip(cells, column, strict=True):
            row[j] = cell
    while (pinned := union_table_pinned(cells, totals)) is not None:
        i, j = pinned
        # near the pinned cell: its row and column, and the rows and columns of the hidden
        # cells in them (what pins a cell is a chain of rows and columns)
        rows_near = {i} | {r for r in range(len(cells)) if not isinstance(cells[r][j], int)}
        columns_near = {j} | {c for c in range(width) if not isinstance(cells[i][c], int)}
        near = sorted(
            (
                (r, c)
                for r in range(len(cells))
                for c in range(width)
                if (r in rows_near or c in columns_near)
                and isinstance(cells[r][c], int)
                and counts[r][c] > 0  # a shown cell is its count
            ),
            # the smallest first; of equal ones the once cell, so the sources keep their figures
            key=lambda rc: (counts[rc[0]][rc[1]], rc[1] != width - 1),
        )
        choice = None
        for r, c in near:  # the first whose hiding frees the pinned cell, else the smallest
            kept, cells[r][c] = cells[r][c], SUPPRESSED_COMPLEMENT
            freed = union_table_pinned(cells, totals) != (i, j)
            cells[r][c] = kept
            if freed:
                choice = (r, c)
                break
        if choice is None and near:
            choice = near[0]
        if choice is not None:
            cells[choice[0]][choice[1]] = SUPPRESSED_COMPLEMENT
        elif totals[j] != SUPPRESSED_CUMULATIVE:
            totals[j] = SUPPRESSED_CUMULATIVE
        else:  # nothing near it left to hide: withhold every total (rows alone pin nothing)
            if all(t == SUPPRESSED_CUMULATIVE for t in totals):
                break
            totals = [SUPPRESSED_CUMULATIVE] * width
    return UnionTable(rows=cells, totals=totals)


def suppress_cells(counts: Sequence[int]) -> list[Cell]:
    """Suppress the cells of one breakdown whose total is shown (see `suppress_breakdown`)."""
    return suppress_breakdown(counts)[0]


@dataclass(frozen=True)
class PublishedForecast:
    """A target's headline figures as a published report shows them."""

    achieved: Cell
    percentage: Decimal | str | None
    required_people: Cell | None
    actual_people: Cell | None
    forecast_date: date | str | None


def publish_forecast(forecast: Forecast) -> PublishedForecast:
    """The headline figures with small counts suppressed (ADR 0025): an achieved count of 1 to 4
    is "<5", and every figure worked out from it (percentage, needed per month, forecast date)
    is "x"; an actual rate whose months add up to 1 to 4 people is "<5" (a true statement of a
    monthly average) and the forecast date from it "x"."""
    f = forecast
    small = suppress(f.achieved) == SUPPRESSED
    rate_total = (
        None
        if f.actual_rate is None
        else int((f.actual_rate * f.rate_months).quantize(Decimal(1), ROUND_HALF_UP))
    )
    small_rate = rate_total is not None and suppress(rate_total) == SUPPRESSED
    hidden = SUPPRESSED_CUMULATIVE
    return PublishedForecast(
        achieved=SUPPRESSED if small else f.achieved,
        percentage=hidden if small and f.percentage is not None else f.percentage,
        required_people=hidden if small and f.required_people is not None else f.required_people,
        actual_people=SUPPRESSED if small_rate else f.actual_people,
        forecast_date=hidden
        if (small or small_rate) and f.forecast_date is not None
        else f.forecast_date,
    )


def suppress_series(counts: Sequence[int]) -> list[tuple[Cell, Cell]]:
    """(month, cumulative) cells of a monthly series.

    Months of 1 to 4 are "<5". A cumulative figure is shown only when the hidden months since the
    last shown cumulative add up to 0, or to 5 or more in a way that pins no month down
    (`discloses`: not a "<5" and a "≥5" that can only be 1 and 5), so the difference of two
    shown cumulative figures never gives a small count away; the others are "x". So that one small month
    does not hide the cumulative column for good, the next month of 5 or more after it is hidden
    as well ("≥5"), as in a breakdown."""
    cells: list[tuple[Cell, Cell]] = []
    cumulative = 0
    hidden = 0  # people in hidden months since the last shown cumulative figure
    pending: list[Cell] = []  # those hidden months' cells
    for count in counts:
        cumulative += count
        month = suppress(count)
        if month == SUPPRESSED:
            hidden += count
            pending.append(month)
        elif hidden and count >= SMALL_CELL_THRESHOLD:
            month = SUPPRESSED_COMPLEMENT
            hidden += count
            pending.append(month)
        # the difference of two shown cumulative figures is the hidden months' total
        if hidden == 0 or not discloses(pending, hidden):
            cells.append((month, cumulative))
            hidden = 0
            pending = []
        else:
            cells.append((month, SUPPRESSED_CUMULATIVE))
    return cells


# --- where a count comes from (ADR 0024) -----------------------------------------------------

#: A counted person's sources as bits (a person with several has several bits): the kept
#: counts keep the platform's two, an outside person row (imported) the outside ones.
SOURCE_ELEARNING = 1
SOURCE_TRAINING = 2
SOURCE_OUTSIDE_BUIT = 4
SOURCE_OUTSIDE_CAMPAIGN = 8
#: in the order the tables show them
SOURCE_BITS = (SOURCE_ELEARNING, SOURCE_TRAINING, SOURCE_OUTSIDE_BUIT, SOURCE_OUTSIDE_CAMPAIGN)
PLATFORM_SOURCES = SOURCE_ELEARNING | SOURCE_TRAINING


def source_totals(counts: Mapping[int, int]) -> dict[int, int]:
    """People per source from counts per source mask: someone with two sources is in both
    sources' figures, and once in the total (key 0)."""
    totals = {bit: 0 for bit in SOURCE_BITS}
    totals[0] = 0
    for mask, count in counts.items():
        totals[0] += count
        for bit in SOURCE_BITS:
            if mask & bit:
                totals[bit] += count
    return totals


def email_key(email: str) -> str:
    """The person key of an outside row: SHA-256 (hex) of the trimmed, lower-cased e-mail."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()
