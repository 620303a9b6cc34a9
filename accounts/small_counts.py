"""Small-count suppression, the one rule for every figure about people that leaves the database
(programme reports, training evaluations): fewer than 5 people (but more than none) is shown
as "<5", so that no individual can be singled out. It lives in the lowest app so that reporting
and trainings (siblings in the layering, ADR 0004) share one threshold and one wording.
Pure: no Django imports."""

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
