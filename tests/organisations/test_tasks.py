"""Certification by Celery: a real worker on Redis against PostgreSQL (skips elsewhere)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from organisations import tasks
from organisations.models import Organisation, OrganisationCertificate
from tests.conftest import DEADLINE, task_result, wait_for
from tests.organisations.conftest import add_member, certify, make_organisation

Status = Organisation.CertificationStatus


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL (set DATABASE_URL)")


def _in_threads(count: int, work) -> list[BaseException]:
    """Run `work(i)` in `count` threads released at the same moment; return their errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i):
        try:
            barrier.wait(timeout=DEADLINE)
            work(i)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_evaluations_award_exactly_once(manager, hotel_course):
    _postgres_only()
    from organisations.services import certification

    organisation = make_organisation(manager=manager, course=hotel_course, declared_staff=50)
    for _ in range(50):
        certify(add_member(organisation).user, hotel_course)
    errors = _in_threads(
        50,
        lambda i: certification.organisation_evaluate(
            organisation=Organisation(pk=organisation.pk), cause="member_passed"
        ),
    )
    assert errors == []
    assert OrganisationCertificate.objects.filter(organisation=organisation).count() == 1
    assert organisation.status_changes.count() == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_fifty_concurrent_finishers_with_a_real_worker_award_exactly_once(
    celery_worker_process, manager, hotel_course
):
    """50 staff finish at the same moment: each passes through lms, gets the personal
    certificate (whose status signal enqueues an evaluation) and enqueues one more evaluation
    directly; the worker runs them all concurrently. Exactly one award, one history entry."""
    organisation = make_organisation(manager=manager, course=hotel_course, declared_staff=50)
    members = [add_member(organisation) for _ in range(50)]
    results = []

    def finish(i):
        certify(members[i].user, hotel_course)
        results.append(tasks.organisation_evaluate.delay(organisation.pk, "member_passed"))

    assert _in_threads(50, finish) == []
    assert len(results) == 50
    statuses = [task_result(result) for result in results]
    # the evaluations ran after (some of) the certificates: the last ones see at least 60%
    assert Status.CERTIFIED in statuses
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.CERTIFIED
    assert OrganisationCertificate.objects.filter(organisation=organisation).count() == 1
    assert list(organisation.status_changes.values_list("to_status", flat=True)) == [
        Status.CERTIFIED
    ]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_a_member_passing_certifies_the_hotel_through_the_worker(
    celery_worker_process, manager, hotel_course
):
    """The whole chain: pass → personal certificate → status signal → evaluation task."""
    organisation = make_organisation(manager=manager, course=hotel_course, declared_staff=5)
    members = [add_member(organisation) for _ in range(5)]
    for membership in members[:3]:
        certify(membership.user, hotel_course)
    wait_for(
        lambda: (
            Organisation.objects.get(pk=organisation.pk).certification_status == Status.CERTIFIED
        ),
    )
    assert OrganisationCertificate.objects.filter(organisation=organisation).count() == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_nightly_sweep_runs_on_the_worker(celery_worker_process, manager, hotel_course):
    """The chain certifies the hotel; twelve months later only the sweep notices that the period
    ended, and awards the next period's certificate (the hotel still qualifies)."""
    organisation = make_organisation(manager=manager, course=hotel_course, declared_staff=1)
    certify(add_member(organisation).user, hotel_course)
    wait_for(
        lambda: (
            Organisation.objects.get(pk=organisation.pk).certification_status == Status.CERTIFIED
        ),
    )
    assert task_result(tasks.organisations_sweep.delay()) == 0  # settled: nothing to do
    # a year passes: the certificate's period is over
    first = OrganisationCertificate.objects.get(organisation=organisation)
    OrganisationCertificate.objects.filter(pk=first.pk).update(
        awarded_at=first.awarded_at - timedelta(days=400),
        valid_until=first.valid_until - timedelta(days=400),
    )
    assert task_result(tasks.organisations_sweep.delay()) == 1
    first.refresh_from_db()
    assert first.status == OrganisationCertificate.Status.EXPIRED
    current = organisation.certificates.get(status=OrganisationCertificate.Status.VALID)
    assert current.period == 2
    assert organisation.status_changes.first().cause == "period_ended"
