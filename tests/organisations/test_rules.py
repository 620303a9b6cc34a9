"""The certification state machine (organisations.rules) as a pure function: its properties
over every status, count, certificate date and grace period, and the boundaries of the 60%."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from certificates.rules import CERTIFICATION_PASS_RATE
from organisations import rules
from organisations.rules import (
    Cause,
    CertificateEnd,
    CertificationFacts,
    Notice,
    Status,
    certification_transition,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def qualifies(facts: CertificationFacts) -> bool:
    """The 60% written out independently: passed / staff >= 3/5, and nobody means no."""
    return facts.staff_count > 0 and 5 * facts.passed_count >= 3 * facts.staff_count


@st.composite
def moments(draw):
    """Facts at NOW: any status, any counts (passed never above staff), a valid certificate that
    ends before, at or after NOW or none, at risk since any earlier time or never."""
    staff = draw(st.integers(min_value=0, max_value=400))
    passed = draw(st.integers(min_value=0, max_value=staff))
    offset = st.integers(min_value=-800, max_value=800).map(lambda days: NOW + days * DAY)
    past = st.integers(min_value=-800, max_value=0).map(lambda days: NOW + days * DAY)
    return CertificationFacts(
        status=draw(st.sampled_from(Status)),
        staff_count=staff,
        passed_count=passed,
        certificate_valid_until=draw(st.none() | offset | st.just(NOW)),
        at_risk_since=draw(st.none() | past | st.just(NOW)),
    )


graces = st.integers(min_value=0, max_value=200).map(lambda days: days * DAY)


def applied(facts: CertificationFacts, step: rules.CertificationTransition) -> CertificationFacts:
    """The facts after the service applied `step` (the same counts, read again)."""
    if step.award is not None:
        valid_until = step.award.valid_until
    elif step.end is not None:
        valid_until = None
    else:
        valid_until = facts.certificate_valid_until
    return replace(
        facts,
        status=step.status,
        certificate_valid_until=valid_until,
        at_risk_since=step.at_risk_since,
    )


@given(facts=moments(), grace=graces)
def test_qualifying_means_certified_with_a_current_certificate(facts, grace):
    step = certification_transition(facts=facts, now=NOW, grace=grace)
    if qualifies(facts):
        assert step.status == Status.CERTIFIED
        until = facts.certificate_valid_until
        current = until is not None and until > NOW
        # a new certificate exactly when there is no current one; one past its period expires
        assert (step.award is not None) == (not current)
        assert step.end == (CertificateEnd.EXPIRED if until is not None and not current else None)
    else:
        assert step.status != Status.CERTIFIED


@given(facts=moments(), grace=graces)
def test_below_60_percent_is_never_newly_awarded(facts, grace):
    step = certification_transition(facts=facts, now=NOW, grace=grace)
    if not qualifies(facts):
        assert step.award is None
        assert step.notice != Notice.CERTIFIED


@given(facts=moments(), grace=graces)
def test_an_award_lasts_the_certification_period(facts, grace):
    step = certification_transition(facts=facts, now=NOW, grace=grace)
    if step.award is not None:
        assert step.award.awarded_at == NOW
        assert step.award.valid_until == NOW + relativedelta(
            months=rules.CERTIFICATION_PERIOD_MONTHS
        )
        assert step.award.valid_until > NOW
        assert step.notice == Notice.CERTIFIED


@given(facts=moments(), grace=graces)
def test_a_certificate_past_its_period_expires(facts, grace):
    step = certification_transition(facts=facts, now=NOW, grace=grace)
    ended = facts.certificate_valid_until is not None and facts.certificate_valid_until <= NOW
    if ended:
        assert step.end == CertificateEnd.EXPIRED and step.cause == Cause.PERIOD_ENDED
    elif step.end is not None:  # only the grace period ends a certificate before its time
        assert step.end == CertificateEnd.LAPSED and step.cause == Cause.GRACE_ENDED
        assert facts.status == Status.AT_RISK and facts.at_risk_since + grace <= NOW


@given(facts=moments(), grace=graces)
def test_at_risk_has_a_start_and_nothing_else_has(facts, grace):
    step = certification_transition(facts=facts, now=NOW, grace=grace)
    assert (step.at_risk_since is not None) == (step.status == Status.AT_RISK)
    if step.status == Status.AT_RISK:
        assert step.at_risk_since <= NOW
        if facts.status == Status.AT_RISK and facts.at_risk_since is not None:
            # still at risk only while the grace period since the stored start lasts
            assert facts.at_risk_since + grace > NOW and step.at_risk_since == facts.at_risk_since


@given(facts=moments(), grace=graces)
def test_managers_hear_of_each_change_that_concerns_them_once(facts, grace):
    step = certification_transition(facts=facts, now=NOW, grace=grace)
    expected = None
    if step.status == Status.AT_RISK and facts.status != Status.AT_RISK:
        expected = Notice.AT_RISK
    elif step.status == Status.LAPSED and facts.status != Status.LAPSED:
        expected = Notice.LAPSED
    elif step.award is not None:
        expected = Notice.CERTIFIED
    assert step.notice == expected
    assert step.notice is None or step.changed


@given(facts=moments(), grace=graces)
def test_applying_twice_awards_and_mails_nothing_more(facts, grace):
    """Idempotent: the state the service stores after one evaluation is settled; with a grace
    of zero the lapse that follows at once is the one further step."""
    first = certification_transition(facts=facts, now=NOW, grace=grace)
    second = certification_transition(facts=applied(facts, first), now=NOW, grace=grace)
    assert second.award is None
    if grace > timedelta(0) or second.status != Status.LAPSED:
        assert not second.changed and second.notice is None
        assert (second.status, second.at_risk_since) == (first.status, first.at_risk_since)
    third = certification_transition(
        facts=applied(applied(facts, first), second), now=NOW, grace=grace
    )
    assert not third.changed and third.notice is None and third.award is None


@given(facts=moments(), grace=graces)
def test_without_staff_nothing_is_certified(facts, grace):
    empty = replace(facts, staff_count=0, passed_count=0)
    step = certification_transition(facts=empty, now=NOW, grace=grace)
    assert step.status != Status.CERTIFIED and step.award is None


@pytest.mark.parametrize(
    ("staff", "passed", "certified"),
    [
        (10_000, 5_999, False),  # 59.99%
        (10_000, 6_000, True),  # 60.00%
        (5, 3, True),  # exactly 3 of 5
        (5, 2, False),
        (1, 1, True),
        (1, 0, False),
        (0, 0, False),  # nobody: never
    ],
)
def test_the_60_percent_boundary(staff, passed, certified):
    assert Decimal("0.60") == CERTIFICATION_PASS_RATE
    facts = CertificationFacts(status=Status.NOT_CERTIFIED, staff_count=staff, passed_count=passed)
    step = certification_transition(facts=facts, now=NOW, grace=90 * DAY)
    assert (step.status == Status.CERTIFIED) is certified
    assert (step.award is not None) is certified
    assert step.status == (Status.CERTIFIED if certified else Status.NOT_CERTIFIED)


def test_the_life_cycle():
    """Certified, at risk (managers told), back to certified without a new certificate, at risk
    again, lapsed after the grace period; a new period at the end of the 12 months."""
    grace = 30 * DAY
    facts = CertificationFacts(status=Status.NOT_CERTIFIED, staff_count=5, passed_count=3)
    step = certification_transition(facts=facts, now=NOW, grace=grace)
    assert (step.status, step.notice, step.cause) == (Status.CERTIFIED, Notice.CERTIFIED, None)
    facts = replace(applied(facts, step), passed_count=2)

    step = certification_transition(facts=facts, now=NOW + DAY, grace=grace)
    assert (step.status, step.notice, step.at_risk_since) == (
        Status.AT_RISK,
        Notice.AT_RISK,
        NOW + DAY,
    )
    facts = replace(applied(facts, step), passed_count=3)
    step = certification_transition(facts=facts, now=NOW + 2 * DAY, grace=grace)
    assert (step.status, step.award, step.notice, step.changed) == (
        Status.CERTIFIED,
        None,
        None,
        True,
    )
    facts = replace(applied(facts, step), passed_count=2)
    facts = applied(facts, certification_transition(facts=facts, now=NOW + 3 * DAY, grace=grace))
    step = certification_transition(facts=facts, now=NOW + 32 * DAY, grace=grace)
    assert step.status == Status.AT_RISK and not step.changed  # one day of grace left
    step = certification_transition(facts=facts, now=NOW + 33 * DAY, grace=grace)
    assert (step.status, step.end, step.cause, step.notice) == (
        Status.LAPSED,
        CertificateEnd.LAPSED,
        Cause.GRACE_ENDED,
        Notice.LAPSED,
    )

    renewed = CertificationFacts(
        status=Status.CERTIFIED,
        staff_count=5,
        passed_count=4,
        certificate_valid_until=NOW + relativedelta(months=12),
    )
    step = certification_transition(facts=renewed, now=NOW + relativedelta(months=12), grace=grace)
    assert (step.end, step.cause, step.notice) == (
        CertificateEnd.EXPIRED,
        Cause.PERIOD_ENDED,
        Notice.CERTIFIED,
    )
    assert step.award.valid_until == NOW + relativedelta(months=24)


def test_at_risk_without_a_start_starts_now():
    """A stored 'at risk' without its date (edited by hand) starts the grace period now instead
    of never lapsing."""
    facts = CertificationFacts(
        status=Status.AT_RISK,
        staff_count=5,
        passed_count=0,
        certificate_valid_until=NOW + 100 * DAY,
    )
    step = certification_transition(facts=facts, now=NOW, grace=30 * DAY)
    assert (step.status, step.at_risk_since, step.changed) == (Status.AT_RISK, NOW, False)


def test_the_values_are_the_models():
    from organisations.models import (
        CertificationStatusChange,
        Organisation,
        OrganisationCertificate,
    )
    from organisations.services.notifications import MANAGER_EMAILS

    assert set(Organisation.CertificationStatus.values) == {status.value for status in Status}
    assert {end.value for end in CertificateEnd} <= set(OrganisationCertificate.Status.values)
    assert {cause.value for cause in Cause} <= set(CertificationStatusChange.Cause.values)
    assert set(MANAGER_EMAILS) == {notice.value for notice in Notice}
