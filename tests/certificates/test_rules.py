from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.rules import (
    CERTIFICATION_PASS_RATE,
    organisation_qualifies,
    pass_rate,
    passes_needed,
)

counts = st.integers(min_value=0, max_value=100_000)


def test_the_rate_is_sixty_percent_as_a_decimal():
    assert Decimal("0.60") == CERTIFICATION_PASS_RATE
    assert isinstance(CERTIFICATION_PASS_RATE, Decimal)


def test_exactly_sixty_percent_qualifies():
    assert organisation_qualifies(staff_count=5, passed_count=3)
    assert organisation_qualifies(staff_count=10_000, passed_count=6_000)


def test_just_below_sixty_percent_does_not_qualify():
    assert not organisation_qualifies(staff_count=5, passed_count=2)
    # 5999 / 10000 = 59.99%
    assert not organisation_qualifies(staff_count=10_000, passed_count=5_999)


def test_no_staff_is_never_certified():
    assert not organisation_qualifies(staff_count=0, passed_count=0)
    assert not organisation_qualifies(staff_count=0, passed_count=3)
    assert passes_needed(staff_count=0, passed_count=0) == 0


def test_passes_needed_examples():
    assert passes_needed(staff_count=5, passed_count=0) == 3
    assert passes_needed(staff_count=5, passed_count=2) == 1
    assert passes_needed(staff_count=5, passed_count=3) == 0
    assert passes_needed(staff_count=7, passed_count=0) == 5  # 4.2 rounds up
    assert passes_needed(staff_count=1, passed_count=0) == 1


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        organisation_qualifies(staff_count=-1, passed_count=0)
    with pytest.raises(ValueError):
        passes_needed(staff_count=3, passed_count=-1)


@given(staff=counts, passed=counts)
def test_qualifies_matches_exact_fraction(staff, passed):
    expected = staff > 0 and Fraction(passed, staff) >= Fraction(3, 5)
    assert organisation_qualifies(staff_count=staff, passed_count=passed) is expected


@given(staff=st.integers(min_value=1, max_value=100_000), passed=counts)
def test_passes_needed_is_the_smallest_number_that_reaches_the_rate(staff, passed):
    needed = passes_needed(staff_count=staff, passed_count=passed)
    assert needed >= 0
    assert organisation_qualifies(staff_count=staff, passed_count=passed + needed)
    if needed > 0:
        assert not organisation_qualifies(staff_count=staff, passed_count=passed + needed - 1)


@given(staff=st.integers(min_value=1, max_value=100_000), passed=counts)
def test_rate_and_qualifies_agree(staff, passed):
    rate = pass_rate(staff_count=staff, passed_count=passed)
    assert (rate >= CERTIFICATION_PASS_RATE) == organisation_qualifies(
        staff_count=staff, passed_count=passed
    ) or (
        # Decimal division rounds at 28 digits; the rule itself never divides
        abs(rate - CERTIFICATION_PASS_RATE) < Decimal("1e-20")
    )


@given(staff=counts, passed=counts)
def test_more_passes_never_lose_certification(staff, passed):
    if organisation_qualifies(staff_count=staff, passed_count=passed):
        assert organisation_qualifies(staff_count=staff, passed_count=passed + 1)
