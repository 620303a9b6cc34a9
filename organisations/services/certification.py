"""The organisation certificate: evaluating an organisation (the rule is
`organisations.rules.certification_transition`; this module reads the facts and applies what it
says), asking for an evaluation after an event, and the nightly and hourly checks."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from certificates.codes import code_generate, code_normalise
from outbox.selectors import messages_about
from outbox.services import outbox_add

from .. import rules
from ..models import (
    CertificationStatusChange,
    Organisation,
    OrganisationCertificate,
    StaffMembership,
)
from ..selectors import (
    EVALUATION_WANTED,
    certification_counts,
    organisations_to_evaluate,
    staff_count,
)
from .notifications import managers_email_request

Cause = CertificationStatusChange.Cause


def organisation_evaluation_request(*, organisation_id: int, cause: str) -> None:
    """Ask for an evaluation of the organisation, in the caller's transaction: it runs after the
    commit (ADR 0019), so what changed is what it counts."""
    outbox_add(
        kind=EVALUATION_WANTED, payload={"organisation_id": organisation_id, "cause": str(cause)}
    )


def organisation_evaluate_ensure(*, organisation_id: int, cause: str) -> str | None:
    """Outbox handler: evaluate the organisation now (idempotent: the 60% rule applied again
    to the same counts changes nothing)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return None
    return organisation_evaluate(organisation=organisation, cause=cause).certification_status


def organisations_evaluate_for_member(*, user_id: int, cause: str) -> int:
    """Write the evaluation of every organisation `user_id` currently works for to the outbox
    (in the caller's transaction). Returns how many."""
    organisation_ids = list(
        StaffMembership.objects.filter(user_id=user_id, left_at__isnull=True)
        .order_by()  # the default ordering would leak into DISTINCT
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    for organisation_id in organisation_ids:
        organisation_evaluation_request(organisation_id=organisation_id, cause=cause)
    return len(organisation_ids)


def _certificate_award(
    *, organisation: Organisation, award: rules.Award, passed: int, staff: int
) -> OrganisationCertificate:
    last_period = organisation.certificates.aggregate(last=Max("period"))["last"] or 0
    return OrganisationCertificate.objects.create(
        organisation=organisation,
        period=last_period + 1,
        code=code_normalise(code_generate()),
        awarded_at=award.awarded_at,
        valid_until=award.valid_until,
        passed_count=passed,
        staff_count=staff,
    )


def _certificate_end(certificate: OrganisationCertificate, status: str, now: datetime) -> None:
    certificate.status = status
    certificate.status_changed_at = now
    certificate.save(update_fields=["status", "status_changed_at"])


def organisation_evaluate(
    *, organisation: Organisation, cause: str = Cause.MANUAL, now: datetime | None = None
) -> Organisation:
    """Apply the certification rule (`rules.certification_transition`) to the organisation now:
    end or award its certificate as the rule says, record any change with its cause, and ask
    for the managers' e-mail after the commit.

    The organisation row is locked for the evaluation, so concurrent evaluations queue behind it
    and a certificate is awarded exactly once per period (the database also allows one
    certificate per period and one valid certificate at a time). The grace period below 60% is
    settings.ORGANISATION_GRACE_DAYS."""
    now = now or timezone.now()
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        counts = certification_counts(organisation=org)
        staff = staff_count(declared_staff=org.declared_staff, members=counts.members)
        current = org.certificates.filter(status=OrganisationCertificate.Status.VALID).first()
        step = rules.certification_transition(
            facts=rules.CertificationFacts(
                status=org.certification_status,
                staff_count=staff,
                passed_count=counts.passed,
                certificate_valid_until=current.valid_until if current else None,
                at_risk_since=org.at_risk_since,
            ),
            now=now,
            grace=timedelta(days=settings.ORGANISATION_GRACE_DAYS),
        )
        touched: OrganisationCertificate | None = None
        if step.end is not None and current is not None:
            _certificate_end(current, step.end.value, now)
            touched = current
        if step.award is not None:
            touched = _certificate_award(
                organisation=org, award=step.award, passed=counts.passed, staff=staff
            )
        if step.changed:
            CertificationStatusChange.objects.create(
                organisation=org,
                from_status=step.previous,
                to_status=step.status.value,
                cause=step.cause.value if step.cause else cause,
                passed_count=counts.passed,
                staff_count=staff,
                certificate=touched,
                created_at=now,
            )
        if step.notice is not None:
            managers_email_request(organisation_id=org.pk, template=step.notice.value)
        org.certification_status = step.status.value
        org.at_risk_since = step.at_risk_since
        org.last_evaluated_at = now
        org.save(update_fields=["certification_status", "at_risk_since", "last_evaluated_at"])
    return org


def organisations_sweep(*, now: datetime | None = None) -> int:
    """The nightly check: catches what no event announces (the end of a certificate's 12
    months, the end of a grace period, personal certificates that passed their date before
    their expiry was recorded). Every organisation is counted in a few grouped queries; those
    whose state may change are evaluated, each in its own short transaction. Returns how many
    were evaluated."""
    now = now or timezone.now()
    due = organisations_to_evaluate(now=now)
    for organisation_id in due:
        organisation_evaluate(
            organisation=Organisation(pk=organisation_id), cause=Cause.SWEEP, now=now
        )
    return len(due)


def organisations_reconcile(*, limit: int = 5000) -> int:
    """Hourly repair: an organisation whose current staff hold a personal certificate that
    changed (issued, expired, revoked) after its last evaluation, and for which no evaluation
    is waiting, is evaluated again. Returns how many were written to the outbox."""
    from certificates.models import Certificate

    member_certificates = Certificate.objects.filter(
        user__staff_memberships__organisation=models.OuterRef("pk"),
        user__staff_memberships__left_at__isnull=True,
    )
    changed_after = member_certificates.filter(
        models.Q(status_changed_at__gt=models.OuterRef("last_evaluated_at"))
        | models.Q(created_at__gt=models.OuterRef("last_evaluated_at"))
    )
    waiting = messages_about(
        kind=EVALUATION_WANTED, key="organisation_id", value=models.OuterRef("pk"), pending=True
    )
    due = (
        Organisation.objects.filter(
            (models.Q(last_evaluated_at__isnull=True) & models.Exists(member_certificates))
            | models.Exists(changed_after)
        )
        .exclude(models.Exists(waiting))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(due[:limit])
    for organisation_id in ids:
        with transaction.atomic():
            organisation_evaluation_request(
                organisation_id=organisation_id, cause=Cause.CERTIFICATE_CHANGED
            )
    return len(ids)
