"""Pure rules of an organisation's certification (no Django, no database): the state machine
that `organisation_evaluate` applies. The life cycle is described in ADR 0011; why it is one
pure function is in ADR 0021.

`certification_transition` takes the facts of one moment (the status, the staff and how many
passed, the valid certificate's end, since when the organisation is at risk) and says what
follows: the next status, whether the valid certificate ends and how, whether a new one is
awarded (with its dates), the cause to record and the e-mail the managers get. The service reads
the facts under the row lock, calls it and applies the result."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from certificates.rules import organisation_qualifies

#: An organisation certificate is valid this long; then the organisation is evaluated again.
CERTIFICATION_PERIOD_MONTHS = 12


class Status(StrEnum):
    """An organisation's certification status (Organisation.CertificationStatus's values)."""

    NOT_CERTIFIED = "not_certified"
    CERTIFIED = "certified"
    AT_RISK = "at_risk"
    LAPSED = "lapsed"


class CertificateEnd(StrEnum):
    """How a valid organisation certificate ends (OrganisationCertificate.Status's values)."""

    EXPIRED = "expired"  # its period is over
    LAPSED = "lapsed"  # the grace period below 60% is over


class Cause(StrEnum):
    """The causes the rule itself records (CertificationStatusChange.Cause's values); every
    other change is recorded with the cause of the event that asked for the evaluation."""

    PERIOD_ENDED = "period_ended"
    GRACE_ENDED = "grace_ended"


class Notice(StrEnum):
    """The e-mail the managers get about a change (organisations/email/<value>_*.txt)."""

    CERTIFIED = "certified"
    AT_RISK = "at_risk"
    LAPSED = "lapsed"


@dataclass(frozen=True)
class CertificationFacts:
    """What the rule decides on, read at one moment."""

    status: str
    staff_count: int
    passed_count: int
    #: the end of the organisation's valid certificate; None when it has none
    certificate_valid_until: datetime | None = None
    at_risk_since: datetime | None = None


@dataclass(frozen=True)
class Award:
    """A new certificate's dates."""

    awarded_at: datetime
    valid_until: datetime


@dataclass(frozen=True)
class CertificationTransition:
    """What follows from the facts. `end` is what the valid certificate becomes (None: it stays
    valid, or there is none); `cause` replaces the event's cause in the history when the rule
    itself is the reason."""

    status: Status
    at_risk_since: datetime | None
    end: CertificateEnd | None = None
    award: Award | None = None
    cause: Cause | None = None
    notice: Notice | None = None
    #: the status before (to tell whether anything changed)
    previous: str = ""

    @property
    def changed(self) -> bool:
        """Something to record in the history: a new status, or a certificate ended or awarded."""
        return self.status != self.previous or self.end is not None or self.award is not None


def certificate_award(*, now: datetime) -> Award:
    """A certificate awarded `now` is valid for CERTIFICATION_PERIOD_MONTHS (a month end stays a
    month end: 31 January + 1 month is the last day of February)."""
    return Award(
        awarded_at=now, valid_until=now + relativedelta(months=CERTIFICATION_PERIOD_MONTHS)
    )


def certification_transition(
    *, facts: CertificationFacts, now: datetime, grace: timedelta
) -> CertificationTransition:
    """The 60% rule applied at `now`:

    - a valid certificate whose period is over expires (cause: the period ended);
    - qualifying (at least 60% of the counted staff passed) means certified; without a valid
      certificate a new one is awarded, from a lapsed or expired state as from none;
    - below 60% with a valid certificate means at risk; once the organisation has been at risk
      for `grace`, the certificate lapses (cause: the grace period ended);
    - below 60% without a certificate: not certified stays not certified, anything else lapses;
    - managers hear when the organisation becomes at risk, lapses or gets a new certificate.

    Applying the result and then the rule again at the same moment changes nothing more
    (with a grace of zero, the second application is the lapse that follows at once)."""
    previous = facts.status
    qualifies = organisation_qualifies(
        staff_count=facts.staff_count, passed_count=facts.passed_count
    )
    valid_until = facts.certificate_valid_until
    end: CertificateEnd | None = None
    cause: Cause | None = None
    if valid_until is not None and valid_until <= now:
        end, cause, valid_until = CertificateEnd.EXPIRED, Cause.PERIOD_ENDED, None
    award = None
    if qualifies:
        status = Status.CERTIFIED
        if valid_until is None:
            award = certificate_award(now=now)
    elif valid_until is not None:
        at_risk_from = facts.at_risk_since if previous == Status.AT_RISK else None
        if at_risk_from is not None and now >= at_risk_from + grace:
            status, end, cause = Status.LAPSED, CertificateEnd.LAPSED, Cause.GRACE_ENDED
        else:
            status = Status.AT_RISK
    else:
        status = Status.NOT_CERTIFIED if previous == Status.NOT_CERTIFIED else Status.LAPSED

    if status != Status.AT_RISK:
        at_risk_since = None
    elif previous == Status.AT_RISK and facts.at_risk_since is not None:
        at_risk_since = facts.at_risk_since
    else:
        at_risk_since = now

    notice = None
    if status == Status.AT_RISK and previous != Status.AT_RISK:
        notice = Notice.AT_RISK
    elif status == Status.LAPSED and previous != Status.LAPSED:
        notice = Notice.LAPSED
    elif award is not None:
        notice = Notice.CERTIFIED
    return CertificationTransition(
        status=status,
        at_risk_since=at_risk_since,
        end=end,
        award=award,
        cause=cause,
        notice=notice,
        previous=previous,
    )
