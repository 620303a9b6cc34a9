"""The short chaos test (benchmarks/chaos.py is the long one): passes while the whole worker is
SIGKILLed and restarted; afterwards every pass has its certificate, one PDF, one e-mail and its
organisation evaluated. The relay is run as beat would after its re-dispatch delay, and the test
waits for the outcome with a generous deadline, printing how long it took."""

import os
import signal
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent
from lms.models import Completion
from organisations.models import Organisation, StaffMembership
from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from tests.certificates.conftest import pass_course
from tests.conftest import DEADLINE, celery_worker_spawn
from tests.factories import UserFactory, make_course

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.postgres]

PASSES = 6


def _worker(queue: str) -> subprocess.Popen:
    return celery_worker_spawn(queue, hostname=f"{queue}-{uuid.uuid4().hex[:4]}")


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=20)


def _missing(completion_ids: list[int]) -> dict[str, int]:
    certificates = Certificate.objects.filter(completion_id__in=completion_ids)
    return {
        "without certificate": Completion.objects.filter(
            pk__in=completion_ids, certificate__isnull=True
        ).count(),
        "without PDF": certificates.filter(pdf_rendered_at__isnull=True).count(),
        "without e-mail": certificates.filter(email_sent_at__isnull=True).count(),
        "outbox not done": OutboxMessage.objects.filter(done_at__isnull=True).count(),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_is_lost_when_the_worker_is_killed():
    if not settings.REDIS_URL:
        pytest.skip("a live Celery worker needs Redis (set REDIS_URL)")
    from config.celery import app

    queue = f"test-chaos-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    course = make_course(title="Module chaos")
    organisation = Organisation.objects.create(
        name="Hotel chaos",
        municipality="Utrecht",
        declared_staff=PASSES,
        counting_course_keys=[str(course.translation_key)],
    )
    learners = [UserFactory() for _ in range(PASSES)]
    StaffMembership.objects.bulk_create(
        [
            StaffMembership(organisation=organisation, user=u, joined_at=timezone.now())
            for u in learners
        ]
    )
    worker = _worker(queue)
    started = time.monotonic()
    try:
        completion_ids = []
        for i, learner in enumerate(learners):
            completion_ids.append(pass_course(learner, course).pk)
            if i in (1, 3):  # two kills mid-run, each followed by a restart
                time.sleep(1.0)
                _kill(worker)
                worker = _worker(queue)
        restarted = time.monotonic()
        # beat's relay, as it runs once the re-dispatch delay has passed
        later = timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS + 1)
        deadline = time.monotonic() + DEADLINE
        missing = _missing(completion_ids)
        while any(missing.values()) and time.monotonic() < deadline:
            outbox_relay(now=timezone.now() + later)
            time.sleep(3)
            missing = _missing(completion_ids)
        took = time.monotonic() - restarted
        print(
            f"chaos (short): {PASSES} passes, 2 kills; all done {took:.1f} s after the last restart"
        )
        assert not any(missing.values()), missing
        certificates = Certificate.objects.filter(completion_id__in=completion_ids)
        assert certificates.count() == PASSES
        for kind in ("pdf_rendered", "emailed"):
            twice = (
                CertificateEvent.objects.filter(certificate__in=certificates, kind=kind)
                .values("certificate")
                .annotate(n=Count("pk"))
                .filter(n__gt=1)
            )
            assert not twice.exists(), kind
        organisation.refresh_from_db()
        assert organisation.certification_status == "certified"
        assert organisation.last_evaluated_at >= max(c.created_at for c in certificates)
    finally:
        app.conf.task_default_queue = "celery"
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _kill(worker)
        print(f"chaos (short) ran {time.monotonic() - started:.1f} s")
