"""The stuck-work page on a phone (ADR 0019): programme staff open it when work waits, and with
many rows its table is wider than the screen. The table scrolls inside itself; the page must
not scroll sideways. Its last column header is a visually hidden "Action", which escaped the
table's scrolling box (placed against the page) and widened the page by ~200 px at 375 px."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from outbox.models import OutboxMessage
from tests.e2e.checks import horizontal_overflow
from tests.e2e.conftest import MOBILE
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_stuck_work_page_does_not_scroll_sideways_on_a_phone(new_page):
    from cms.roles import ensure_roles

    ensure_roles()
    staff = UserFactory(role=roles.PROGRAMME_STAFF, second_factor=True)
    old = timezone.now() - timedelta(minutes=20)
    for certificate_id in (1, 2, 3):
        for kind in ("certificates.pdf", "certificates.email"):
            # written as rows only: nothing is handed to a broker, the page only lists them
            OutboxMessage.objects.create(
                kind=kind, payload={"certificate_id": certificate_id}, created_at=old
            )
    page = new_page(viewport=MOBILE, user=staff)
    page.goto(reverse("outbox_stuck"))
    assert page.locator("form[action*='/opnieuw/'] button").count() == 6
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    assert horizontal_overflow(page) == 0
