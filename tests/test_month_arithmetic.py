"""Month arithmetic has one home, dateutil's relativedelta (ADR 0021). These tests pin the rule
the project relies on (a day that does not exist in the target month becomes that month's last
day; leap years count) at each place that adds months: a course's validity, the organisation
certificate's year and the reports' calendar months and quarters."""

import calendar
import itertools
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from organisations.models import OrganisationCertificate
from organisations.services import certification
from reporting import forms as reporting_forms
from reporting import rules as reporting_rules
from tests.factories import UserFactory, make_course
from tests.organisations.conftest import add_member, certify, make_organisation
from tests.organisations.conftest import pass_course as pass_through_services

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def expected(moment: datetime, months: int) -> tuple[int, int, int]:
    """The calendar rule written out independently: move the month, keep the day unless the
    target month is shorter."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    return year, month + 1, min(moment.day, calendar.monthrange(year, month + 1)[1])


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)
    ),
    months=st.integers(min_value=-36, max_value=36),
)
def test_adding_months_keeps_the_day_or_ends_on_the_last_day_of_the_month(moment, months):
    moved = moment + relativedelta(months=months)
    assert (moved.year, moved.month, moved.day) == expected(moment, months)
    assert moved.timetz() == moment.timetz()  # time of day and zone are kept


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2100, 1, 31), 1, date(2100, 2, 28)),  # not a leap year (century)
        (date(2000, 1, 31), 1, date(2000, 2, 29)),  # a leap year (400)
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_month_ends_and_leap_years(start, months, end):
    assert start + relativedelta(months=months) == end


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("passed_at", "valid_until"),
    [
        (datetime(2028, 1, 31, 10, tzinfo=UTC), datetime(2028, 2, 29, 10, tzinfo=UTC)),
        (datetime(2027, 1, 31, 10, tzinfo=UTC), datetime(2027, 2, 28, 10, tzinfo=UTC)),
        (datetime(2027, 10, 31, 23, 30, tzinfo=UTC), datetime(2027, 11, 30, 23, 30, tzinfo=UTC)),
    ],
)
def test_a_completion_is_valid_for_the_course_months(passed_at, valid_until):
    course = make_course(title="Geldig tot het einde van de maand", validity_months=1)
    with mock.patch("django.utils.timezone.now", return_value=passed_at):
        completion = pass_through_services(UserFactory(), course)
    assert completion.completed_at == passed_at
    assert completion.valid_until == valid_until


@pytest.mark.django_db
def test_an_organisation_certified_on_a_leap_day_is_certified_until_28_february():
    course = make_course(title="Hotelpersoneel", validity_months=24)
    organisation = make_organisation(manager=UserFactory(), course=course, declared_staff=1)
    certify(add_member(organisation).user, course)
    leap_day = datetime(2028, 2, 29, 9, tzinfo=UTC)
    certification.organisation_evaluate(organisation=organisation, now=leap_day)
    certificate = OrganisationCertificate.objects.get(organisation=organisation)
    assert certificate.awarded_at == leap_day
    assert certificate.valid_until == datetime(2029, 2, 28, 9, tzinfo=UTC)


@given(
    today=st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
    back=st.integers(min_value=0, max_value=60),
)
def test_the_rate_months_are_consecutive_first_days_before_this_month(today, back):
    period_start = today - timedelta(days=31 * back)
    months = reporting_rules.rate_months(today=today, period_start=period_start)
    assert len(months) <= reporting_rules.RATE_WINDOW_MONTHS
    assert all(month.day == 1 for month in months)
    for earlier, later in itertools.pairwise(months):
        assert (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month) == 1
    if months:
        last = months[-1]
        assert (today.year * 12 + today.month) - (last.year * 12 + last.month) == 1
        assert months[0] >= period_start.replace(day=1)


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        ("2028-Q1", date(2028, 1, 1), date(2028, 3, 31)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_a_quarter_runs_to_the_last_day_of_its_third_month(quarter, first, last):
    assert reporting_forms.parse_quarter(quarter) == (first, last)


def test_a_local_time_keeps_its_zone_across_a_daylight_saving_change():
    before = datetime(2026, 3, 15, 12, tzinfo=AMSTERDAM)  # winter time
    after = before + relativedelta(months=1)  # summer time
    assert (after.date(), after.hour, after.tzinfo) == (date(2026, 4, 15), 12, AMSTERDAM)
