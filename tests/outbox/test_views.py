"""The stuck-work page: programme staff only, retry is a POST with CSRF."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from outbox import services
from outbox.models import OutboxMessage
from tests.factories import UserFactory
from tests.outbox.test_services import RUNS  # noqa: F401  (registers the test kinds)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    from cms.roles import ensure_roles

    ensure_roles()
    return UserFactory(role=roles.PROGRAMME_STAFF)


@pytest.fixture
def stuck():
    message = services.outbox_add(kind="tests.fail", payload={"certificate_id": 7})
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=20),
        attempts=services.MAX_ATTEMPTS,
        failed_at=timezone.now(),
        last_error="OSError",
    )
    return message


def test_staff_see_stuck_work(client, staff, stuck):
    client.force_login(staff)
    response = client.get(reverse("outbox_stuck"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "tests.fail" in html and "(nr. 7)" in html and "OSError" in html


def test_stuck_work_is_named_in_the_readers_language(client, staff):
    """The page names the work, not the code's kind: "Certificaat-pdf", not
    "certificates.pdf"."""
    from django.utils import translation

    message = services.outbox_add(kind="certificates.pdf", payload={"certificate_id": 12})
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=20)
    )
    client.force_login(staff)
    html = client.get(reverse("outbox_stuck")).content.decode()
    with translation.override("nl"):
        label = translation.gettext("Certificate PDF")
    assert label != "Certificate PDF"  # the Dutch catalogue has it
    assert label in html and "certificates.pdf" not in html


def test_learners_are_refused(client, user, stuck):
    client.force_login(user)
    assert client.get(reverse("outbox_stuck")).status_code == 403
    assert client.post(reverse("outbox_retry", args=[stuck.pk])).status_code == 403
    stuck.refresh_from_db()
    assert stuck.failed_at is not None


def test_anonymous_is_sent_to_login(client, stuck):
    response = client.get(reverse("outbox_stuck"))
    assert response.status_code == 302


def test_retry_resets_and_hands_over(client, staff, stuck):
    client.force_login(staff)
    assert client.get(reverse("outbox_retry", args=[stuck.pk])).status_code == 405
    response = client.post(reverse("outbox_retry", args=[stuck.pk]))
    assert response.status_code == 302
    stuck.refresh_from_db()
    assert stuck.failed_at is None and stuck.attempts == 0 and stuck.last_error == ""


def test_retry_needs_the_csrf_token(staff, stuck):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(reverse("outbox_retry", args=[stuck.pk])).status_code == 403


def _said(msgid: str, **values) -> str:
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("nl"):
        return escape(translation.gettext(msgid) % values if values else translation.gettext(msgid))


def test_the_page_says_when_the_workers_are_not_running(client, staff, stuck):
    """The relay runs every minute on a worker: when it has not run for minutes, the page says
    the workers are stopped, and a retry does not pretend the work is on its way."""
    from outbox.models import RelayHeartbeat

    client.force_login(staff)
    never = client.get(reverse("outbox_stuck")).content.decode()
    assert (
        _said(
            "The workers have never handed over waiting work: the Celery worker or its scheduler "
            "(beat) is not running. Ask the administrator to check them."
        )
        in never
    )
    services.outbox_relay()  # a worker ran the relay just now
    running = client.get(reverse("outbox_stuck")).content.decode()
    assert 'id="workers-state"' in running and "Celery" not in running  # no warning
    RelayHeartbeat.objects.update(ran_at=timezone.now() - timedelta(minutes=12))
    stopped = client.get(reverse("outbox_stuck")).content.decode()
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("nl"):
        twelve = translation.ngettext(
            "The workers have not handed over waiting work for %(minutes)s minute: the Celery "
            "worker or its scheduler (beat) is not running, and no work is done until it is back. "
            "Ask the administrator to check them.",
            "The workers have not handed over waiting work for %(minutes)s minutes: the Celery "
            "worker or its scheduler (beat) is not running, and no work is done until it is back. "
            "Ask the administrator to check them.",
            12,
        ) % {"minutes": 12}
    assert escape(twelve) in stopped
    retried = client.post(reverse("outbox_retry", args=[stuck.pk]), follow=True)
    assert (
        _said(
            "Handed over to the queue, but the workers are not running: it is done when they "
            "are back."
        )
        in retried.content.decode()
    )
