"""Small-count suppression, the one rule for every figure about people that leaves the database
(programme reports, training evaluations): fewer than 5 people (but more than none) is shown
as "<5", so that no individual can be singled out. It lives in the lowest app so that reporting
and trainings (siblings in the layering, ADR 0004) share one threshold and one wording.
Pure: no Django imports."""

from collections.abc import Sequence

#: A figure about fewer people than this (but more than none) is shown as "<5".
SMALL_CELL_THRESHOLD = 5
SUPPRESSED = "<5"
#: Shown instead of a second cell that would otherwise let a "<5" be derived from the total.
SUPPRESSED_COMPLEMENT = "≥5"

Cell = int | str


def is_small(count: int) -> bool:
    """Whether a figure about `count` people must not be shown (1 to 4)."""
    return 0 < count < SMALL_CELL_THRESHOLD


def suppress(count: int) -> Cell:
    """A single figure about people: 1 to 4 becomes "<5" (0 says nothing about anyone)."""
    if is_small(count):
        return SUPPRESSED
    return count


def suppress_cells(counts: Sequence[int]) -> list[Cell]:
    """Suppress the cells of one breakdown whose total is shown.

    When exactly one cell is "<5", it could be derived from the total minus the others, so the
    smallest other cell of 5 or more is hidden as well ("≥5")."""
    cells: list[Cell] = [suppress(c) for c in counts]
    small = [i for i, c in enumerate(cells) if c == SUPPRESSED]
    if len(small) == 1:
        candidates = [i for i, c in enumerate(counts) if c >= SMALL_CELL_THRESHOLD]
        if candidates:
            smallest = min(candidates, key=lambda i: counts[i])
            cells[smallest] = SUPPRESSED_COMPLEMENT
    return cells
