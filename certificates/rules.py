"""Pure certification rules (no Django): the 60% rule for organisations.

Decimal arithmetic only, so "exactly 60%" is exact and never a float rounding accident."""

from decimal import Decimal

#: Share of the staff that must hold a valid certificate for the organisation to be certified.
CERTIFICATION_PASS_RATE = Decimal("0.60")


def _check(staff_count: int, passed_count: int) -> None:
    if staff_count < 0 or passed_count < 0:
        raise ValueError("staff_count and passed_count cannot be negative")


def pass_rate(*, staff_count: int, passed_count: int) -> Decimal:
    """The share of staff that passed (0 when there are no staff)."""
    _check(staff_count, passed_count)
    if staff_count == 0:
        return Decimal(0)
    return Decimal(passed_count) / Decimal(staff_count)


def organisation_qualifies(*, staff_count: int, passed_count: int) -> bool:
    """True when at least 60% of `staff_count` passed. Exactly 60% qualifies (3 of 5); an
    organisation with no staff never does."""
    _check(staff_count, passed_count)
    if staff_count == 0:
        return False
    # passed / staff >= rate  <=>  passed >= rate * staff (both sides exact in Decimal)
    return Decimal(passed_count) >= CERTIFICATION_PASS_RATE * Decimal(staff_count)


def passes_needed(*, staff_count: int, passed_count: int) -> int:
    """How many more staff must pass to reach 60%: the smallest n >= 0 with
    organisation_qualifies(staff_count, passed_count + n). 0 staff need nobody: it never qualifies,
    so the answer there is 0 and the caller shows that staff must be declared first."""
    _check(staff_count, passed_count)
    if staff_count == 0:
        return 0
    required = CERTIFICATION_PASS_RATE * Decimal(staff_count)
    # ceiling of an exact Decimal
    whole = int(required)
    if Decimal(whole) < required:
        whole += 1
    return max(0, whole - passed_count)
