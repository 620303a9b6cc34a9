"""Tasks: direct calls for the logic, a real worker (PostgreSQL + Redis) for the pass → PDF path."""

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from certificates import tasks
from certificates.models import Certificate
from tests.certificates.conftest import pass_course
from tests.conftest import DEADLINE, task_result, wait_for
from tests.factories import UserFactory, make_course


@pytest.mark.django_db
def test_task_issues_once_when_run_twice(completion):
    first = tasks.certificate_issue(completion.pk)
    second = tasks.certificate_issue(completion.pk)
    assert first == second
    assert Certificate.objects.filter(completion=completion).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_task_ignores_a_missing_completion():
    assert tasks.certificate_issue(999999) is None


def test_task_options_survive_a_killed_worker():
    for task in (
        tasks.certificate_issue,
        tasks.certificates_expire,
        tasks.certificates_reconcile,
        tasks.certificates_reissue,
        tasks.certificate_archive_build,
    ):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True


def test_beat_schedule_has_the_certificate_tasks(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "certificates.tasks.certificates_expire" in scheduled
    assert "certificates.tasks.certificates_reconcile" in scheduled


@pytest.mark.django_db
def test_expire_task_reports_counts(completion):
    tasks.certificate_issue(completion.pk)
    assert tasks.certificates_expire() == {"expired": 0, "reminded": 0}


# committed rows (the worker must see them); serialized rollback restores the migrated rows
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_passing_produces_exactly_one_certificate_through_a_real_worker(celery_worker_process):
    user = UserFactory()
    course = make_course(title="Module echte worker", validity_months=12)
    completion = pass_course(user, course)  # course_passed → on_commit → queue
    certificate = wait_for(
        lambda: Certificate.objects.filter(completion=completion, pdf__startswith="c").first(),
    )
    assert default_storage.exists(certificate.pdf.name)
    wait_for(lambda: Certificate.objects.get(pk=certificate.pk).email_sent_at)
    # the same task delivered again (as after a killed worker) changes nothing
    result = tasks.certificate_issue.delay(completion.pk)
    assert task_result(result) == certificate.pk
    task_result(tasks.certificates_reconcile.delay())
    assert Certificate.objects.filter(completion=completion).count() == 1
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == certificate.pdf.name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reconcile_issues_missing_certificates_through_a_real_worker(celery_worker_process):
    from django.utils import timezone

    from certificates import receivers
    from lms.signals import course_passed
    from tests.reporting.data import passed

    user = UserFactory()
    course = make_course(title="Module zonder certificaat")
    # a pass stored without its certificate (from before the outbox, or a receiver that was
    # not connected): since ADR 0019 the pass writes its certificate in its own transaction
    course_passed.disconnect(dispatch_uid="certificates.on_course_passed")
    try:
        completion = passed(user, course, timezone.now())
    finally:
        course_passed.connect(
            receivers.on_course_passed, dispatch_uid="certificates.on_course_passed"
        )
    nothing = {"certificates": 0, "pdfs": 0, "emails": 0}
    assert task_result(tasks.certificates_reconcile.delay()) == {**nothing, "certificates": 1}
    # the repair wrote the work to the outbox; its fast path hands it to the worker
    certificate = wait_for(
        lambda: (
            Certificate.objects.filter(completion=completion, email_sent_at__isnull=False)
            .exclude(pdf="")
            .first()
        ),
    )
    assert certificate.pdf_rendered_at is not None
    assert task_result(tasks.certificates_reconcile.delay()) == nothing


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_of_the_task_issue_exactly_once():
    """Two workers picking up the same message at once (PostgreSQL row locks and the unique
    completion): one certificate, one PDF, one e-mail."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (set DATABASE_URL)")
    completion = pass_course(UserFactory(), make_course(title="Gelijktijdig"))
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=DEADLINE)
            results.append(tasks.certificate_issue(completion.pk))
        except BaseException as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE)
    assert errors == []
    assert len(set(results)) == 1
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.events.filter(kind="issued").count() == 1
    assert certificate.events.filter(kind="emailed").count() == 1
    assert certificate.events.filter(kind="pdf_rendered").count() == 1
    stored = default_storage.listdir("certificates")[1]
    assert [f for f in stored if f.startswith(certificate.code)] == [
        certificate.pdf.name.split("/")[-1]
    ]
    assert len(mail.outbox) == 1
