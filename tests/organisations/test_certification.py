"""organisations.services.certification: evaluating the organisation certificate against the
database (the rule itself is tested in test_rules.py), the sweep, the repair, the event chain."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from organisations import selectors
from organisations.models import (
    CertificationStatusChange,
    Organisation,
    OrganisationCertificate,
)
from organisations.services import certification, notifications, registration, staff
from tests.factories import UserFactory, make_course
from tests.organisations.conftest import add_member, add_staff, certify, make_organisation

pytestmark = pytest.mark.django_db
Status = Organisation.CertificationStatus
Cause = CertificationStatusChange.Cause


def test_exactly_sixty_percent_is_certified(organisation, hotel_course):
    add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation, cause=Cause.MEMBER_PASSED)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.CERTIFIED
    certificate = OrganisationCertificate.objects.get(organisation=organisation)
    assert certificate.status == OrganisationCertificate.Status.VALID
    assert certificate.period == 1
    assert (certificate.passed_count, certificate.staff_count) == (3, 5)
    assert certificate.valid_until.year == certificate.awarded_at.year + 1
    change = organisation.status_changes.get()
    assert (change.from_status, change.to_status, change.cause) == (
        Status.NOT_CERTIFIED,
        Status.CERTIFIED,
        Cause.MEMBER_PASSED,
    )


def test_below_sixty_percent_is_not_certified(organisation, hotel_course):
    add_staff(organisation, hotel_course, passed=2, unfinished=3)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.NOT_CERTIFIED
    assert not OrganisationCertificate.objects.exists()
    summary = selectors.certification_summary(organisation=organisation)
    assert (summary.passed, summary.staff_count, summary.needed) == (2, 5, 1)


def test_declared_staff_zero_is_never_certified(manager, hotel_course):
    organisation = make_organisation(manager=manager, course=hotel_course, declared_staff=0)
    add_staff(organisation, hotel_course, passed=2)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.NOT_CERTIFIED
    assert not OrganisationCertificate.objects.exists()


def test_more_members_than_declared_count_the_members(organisation, hotel_course):
    add_staff(organisation, hotel_course, passed=4, unfinished=3)  # 7 joined, 5 declared
    summary = selectors.certification_summary(organisation=organisation)
    assert (summary.staff_count, summary.passed, summary.qualifies) == (7, 4, False)


def test_award_happens_exactly_once(organisation, hotel_course):
    from outbox.models import OutboxMessage

    add_staff(organisation, hotel_course, passed=5)
    for _ in range(3):
        certification.organisation_evaluate(organisation=organisation)
    assert OrganisationCertificate.objects.filter(organisation=organisation).count() == 1
    assert organisation.status_changes.count() == 1
    # and the managers are told once
    mails = OutboxMessage.objects.filter(kind=notifications.MANAGERS_EMAIL_WANTED)
    assert [m.payload for m in mails] == [
        {"organisation_id": organisation.pk, "template": "certified"}
    ]


def test_only_current_members_with_a_counting_course_count(organisation, hotel_course):
    other_course = make_course(title="Andere module")
    left = add_member(organisation)
    certify(left.user, hotel_course)
    staff.membership_end(membership=left)
    wrong_course = add_member(organisation)
    certify(wrong_course.user, other_course)
    elsewhere = UserFactory()
    certify(elsewhere, hotel_course)
    passed = add_member(organisation)
    certify(passed.user, hotel_course)
    counts = selectors.certification_counts(organisation=organisation)
    assert (counts.members, counts.passed) == (2, 1)


def test_certification_counts_is_one_query(organisation, hotel_course, django_assert_num_queries):
    add_staff(organisation, hotel_course, passed=3, unfinished=2)
    with django_assert_num_queries(1):
        counts = selectors.certification_counts(organisation=organisation)
    assert (counts.members, counts.passed) == (5, 3)


def test_at_risk_then_lapsed_after_the_grace_period(
    organisation, hotel_course, settings, django_capture_on_commit_callbacks
):
    settings.ORGANISATION_GRACE_DAYS = 30
    members = add_staff(organisation, hotel_course, passed=3, unfinished=2)
    start = timezone.now()
    certification.organisation_evaluate(organisation=organisation, now=start)
    mail.outbox.clear()

    staff.membership_end(membership=members[0])
    with django_capture_on_commit_callbacks() as callbacks:
        certification.organisation_evaluate(
            organisation=organisation, cause=Cause.MEMBER_LEFT, now=start + timedelta(days=1)
        )
    assert len(callbacks) == 1  # the managers' e-mail task
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.AT_RISK
    assert OrganisationCertificate.objects.get().status == OrganisationCertificate.Status.VALID

    with django_capture_on_commit_callbacks() as callbacks:
        certification.organisation_evaluate(
            organisation=organisation, now=start + timedelta(days=2)
        )
    assert callbacks == []  # still at risk: no second e-mail
    certification.organisation_evaluate(organisation=organisation, now=start + timedelta(days=30))
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.AT_RISK

    certification.organisation_evaluate(organisation=organisation, now=start + timedelta(days=31))
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.LAPSED
    assert OrganisationCertificate.objects.get().status == OrganisationCertificate.Status.LAPSED
    history = list(organisation.status_changes.order_by("created_at", "pk"))
    assert [(c.to_status, c.cause) for c in history] == [
        (Status.CERTIFIED, Cause.MANUAL),
        (Status.AT_RISK, Cause.MEMBER_LEFT),
        (Status.LAPSED, Cause.GRACE_ENDED),
    ]
    assert history[1].passed_count == 2


def test_recovering_while_at_risk_keeps_the_certificate(organisation, hotel_course):
    members = add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation)
    staff.membership_end(membership=members[0])
    certification.organisation_evaluate(organisation=organisation)
    certify(members[-1].user, hotel_course)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.CERTIFIED
    assert organisation.at_risk_since is None
    assert OrganisationCertificate.objects.count() == 1


def test_lapsed_organisation_is_certified_again_with_a_new_period(
    organisation, hotel_course, settings
):
    settings.ORGANISATION_GRACE_DAYS = 0
    members = add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation)
    staff.membership_end(membership=members[0])
    certification.organisation_evaluate(organisation=organisation)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.LAPSED
    certify(members[-1].user, hotel_course)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.CERTIFIED
    assert list(organisation.certificates.order_by("period").values_list("period", "status")) == [
        (1, OrganisationCertificate.Status.LAPSED),
        (2, OrganisationCertificate.Status.VALID),
    ]


def test_after_twelve_months_a_qualifying_organisation_gets_the_next_certificate(
    organisation, hotel_course
):
    add_staff(organisation, hotel_course, passed=3)
    certification.organisation_evaluate(organisation=organisation)
    first = OrganisationCertificate.objects.get()
    certification.organisation_evaluate(
        organisation=organisation, cause=Cause.SWEEP, now=first.valid_until + timedelta(hours=1)
    )
    first.refresh_from_db()
    assert first.status == OrganisationCertificate.Status.EXPIRED
    second = organisation.certificates.get(status=OrganisationCertificate.Status.VALID)
    assert second.period == 2
    assert organisation.status_changes.first().cause == Cause.PERIOD_ENDED


def test_sweep_evaluates_the_organisations_whose_state_may_change(
    organisation, hotel_course, manager
):
    other = make_organisation(manager=manager, course=hotel_course, name="Hotel Twee")
    add_staff(other, hotel_course, passed=5)
    assert certification.organisations_sweep() == 1  # `organisation` has nobody: nothing to do
    other.refresh_from_db()
    assert other.certification_status == Status.CERTIFIED
    assert not organisation.status_changes.exists()
    assert certification.organisations_sweep() == 0  # settled: a second run changes nothing
    assert other.status_changes.count() == 1


def test_sweep_catches_the_end_of_the_period_and_of_the_grace(organisation, hotel_course, settings):
    settings.ORGANISATION_GRACE_DAYS = 10
    members = add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation)
    first = OrganisationCertificate.objects.get()
    renewed_at = first.valid_until + timedelta(hours=1)
    assert certification.organisations_sweep(now=renewed_at) == 1
    assert organisation.certificates.get(status=OrganisationCertificate.Status.VALID).period == 2
    staff.membership_end(membership=members[0])
    certification.organisation_evaluate(organisation=organisation, now=renewed_at)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.AT_RISK
    assert certification.organisations_sweep(now=renewed_at + timedelta(days=11)) == 1
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.LAPSED
    assert organisation.status_changes.first().cause == Cause.GRACE_ENDED
    assert certification.organisations_sweep(now=renewed_at + timedelta(days=12)) == 0


def test_a_revoked_personal_certificate_puts_the_organisation_at_risk(
    organisation, hotel_course, django_capture_on_commit_callbacks
):
    from certificates import services as certificate_services

    add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation)
    certificate = certify(add_member(organisation).user, hotel_course)
    registration.organisation_update(organisation=organisation, data={"declared_staff": 6})
    certification.organisation_evaluate(organisation=organisation)
    certificate_services.certificate_revoke(
        certificate=certificate, actor=None, reason="issued by mistake"
    )
    certificate_services.certificate_revoke(
        certificate=organisation.memberships.first().user.certificates.get(),
        actor=None,
        reason="issued by mistake",
    )
    certification.organisation_evaluate(organisation=organisation, cause=Cause.CERTIFICATE_CHANGED)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.AT_RISK
    assert organisation.status_changes.first().cause == Cause.CERTIFICATE_CHANGED


def test_a_manager_sees_certificates_for_counting_courses_only(organisation, hotel_course, manager):
    other_course = make_course(title="BUIT voor professionals")
    member = add_member(organisation)
    counting = certify(member.user, hotel_course)
    unrelated = certify(member.user, other_course)
    assert selectors.manager_may_view_certificate(manager, counting)
    assert not selectors.manager_may_view_certificate(manager, unrelated)


@pytest.mark.django_db
def test_a_certificate_wants_the_evaluation_of_its_holders_organisations(
    organisation, hotel_course
):
    """The chain pass → certificate → organisation: the certificate's "issued" writes the
    evaluation to the outbox in the same transaction; a pass alone does not."""
    from outbox.models import OutboxMessage
    from outbox.services import outbox_message_run

    member = add_member(organisation).user
    evaluations = OutboxMessage.objects.filter(kind=certification.EVALUATION_WANTED).about(
        "organisation_id", organisation.pk
    )
    before = evaluations.count()  # the member joining wants one too
    certify(member, hotel_course)
    assert evaluations.count() == before + 1
    for message in evaluations.filter(done_at__isnull=True):
        outbox_message_run(message_id=message.pk)
    organisation.refresh_from_db()
    assert organisation.last_evaluated_at is not None


@pytest.mark.django_db
def test_reconcile_evaluates_organisations_not_evaluated_since_a_certificate(
    organisation, hotel_course
):
    from outbox.models import OutboxMessage

    member = add_member(organisation).user
    certify(member, hotel_course)
    # the evaluation work was lost (e.g. rows from before the outbox): nothing waits
    OutboxMessage.objects.all().delete()
    assert certification.organisations_reconcile() == 1
    assert certification.organisations_reconcile() == 0  # it waits now: not written twice
    waiting = OutboxMessage.objects.get(kind=certification.EVALUATION_WANTED, done_at__isnull=True)
    from outbox.services import outbox_message_run

    outbox_message_run(message_id=waiting.pk)
    assert certification.organisations_reconcile() == 0  # evaluated after the certificate
