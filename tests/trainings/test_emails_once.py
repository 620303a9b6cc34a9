"""The trainings e-mails go through the outbox (ADR 0019): written in the transaction that wants
them, and sent once however often their message runs (a redelivery after a worker was killed
between sending and marking the message done, the relay, a retry)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from outbox.models import OutboxMessage
from outbox.services import outbox_message_run, outbox_once_claim
from tests.factories import UserFactory
from trainings import services

from .conftest import make_session
from .test_group_requests import _request

pytestmark = pytest.mark.django_db


def _run_twice(message: OutboxMessage) -> None:
    """Run the message, then again as if the worker had died before marking it done."""
    assert outbox_message_run(message_id=message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(done_at=None)
    assert outbox_message_run(message_id=message.pk)


def _messages(outbox_kind: str, **payload):
    return OutboxMessage.objects.filter(
        kind=outbox_kind, **{f"payload__{k}": v for k, v in payload.items()}
    )


def test_a_promotion_is_e_mailed_once():
    session = make_session(capacity=1)
    first = services.registration_create(session=session, user=UserFactory())
    waiting = services.registration_create(session=session, user=UserFactory())
    services.registration_cancel(registration=first)
    (message,) = _messages(services.REGISTRATION_EMAIL_WANTED, kind="promoted")
    assert message.payload == {"registration_id": waiting.pk, "kind": "promoted"}
    mail.outbox.clear()
    _run_twice(message)
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]


def _change(session, **fields):
    with transaction.atomic():
        before = services.session_lock(session=session)
        for name, value in fields.items():
            setattr(session, name, value)
        session.save()
        services.session_changed(before=before, session=session)


def test_two_quick_changes_make_one_e_mail_with_the_latest_details_and_a_newer_calendar():
    session = make_session()
    registration = services.registration_create(session=session, user=UserFactory())
    _change(session, venue="Zaal A")
    _change(session, venue="Zaal B")
    _change(session, capacity=session.capacity + 5)  # not a detail: no e-mail, same sequence
    session.refresh_from_db()
    assert session.sequence == 2
    messages = list(_messages(services.REGISTRATION_EMAIL_WANTED, kind="changed"))
    assert [m.payload["registration_id"] for m in messages] == [registration.pk] * 2
    mail.outbox.clear()
    for message in messages:  # both run after the second change was committed
        _run_twice(message)
    assert len(mail.outbox) == 1
    assert "Zaal B" in mail.outbox[0].body and "Zaal A" not in mail.outbox[0].body
    # calendars replace the event they have when its SEQUENCE is higher (RFC 5545)
    answer = Client().get(reverse("trainings:session_ics", args=[session.public_id]))
    (event,) = Calendar.from_ical(answer.content).walk("VEVENT")
    assert int(event["sequence"]) == 2
    # a later change is a new e-mail
    _change(session, starts_at=session.starts_at + timedelta(hours=1))
    (latest,) = _messages(services.REGISTRATION_EMAIL_WANTED, kind="changed").exclude(
        pk__in=[m.pk for m in messages]
    )
    _run_twice(latest)
    assert len(mail.outbox) == 2


def test_the_answer_to_a_group_request_is_e_mailed_once(user, kind, region):
    organiser = kind.organisers.get()
    request = _request(user, kind, region)
    (new,) = _messages(services.GROUP_REQUEST_NEW_EMAIL_WANTED, request_id=request.pk)
    mail.outbox.clear()
    _run_twice(new)
    assert [m.to for m in mail.outbox] == [[organiser.email]]
    services.group_request_accept(
        request=request,
        by=organiser,
        starts_at=timezone.now() + timedelta(days=30),
        venue="Stadskantoor",
        address="Stadsplateau 1, Utrecht",
    )
    (answer,) = _messages(services.GROUP_REQUEST_EMAIL_WANTED, request_id=request.pk)
    mail.outbox.clear()
    _run_twice(answer)
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_organisers_not_written_to_yet_get_the_new_request_after_a_failure(
    user, kind, region, monkeypatch
):
    first = kind.organisers.get()
    second = UserFactory(second_factor=True)
    kind.organisers.add(second)
    request = _request(user, kind, region)
    (message,) = _messages(services.GROUP_REQUEST_NEW_EMAIL_WANTED, request_id=request.pk)
    mail.outbox.clear()
    real_write = services._group_request_new_email_write

    def mail_server_down_for_the_second(*, request, organiser):
        if organiser == second:
            raise OSError("mail server down")
        real_write(request=request, organiser=organiser)

    monkeypatch.setattr(services, "_group_request_new_email_write", mail_server_down_for_the_second)
    with pytest.raises(OSError):
        outbox_message_run(message_id=message.pk)
    monkeypatch.setattr(services, "_group_request_new_email_write", real_write)
    assert outbox_message_run(message_id=message.pk)  # the retry
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])


@pytest.mark.django_db(transaction=True)
def test_a_claim_belongs_in_the_transaction_that_does_the_work():
    with pytest.raises(RuntimeError):
        outbox_once_claim(key="test:outside")
    with transaction.atomic():
        assert outbox_once_claim(key="test:claimed") is True
        assert outbox_once_claim(key="test:claimed") is False
    with pytest.raises(ValueError), transaction.atomic():
        assert outbox_once_claim(key="test:rolled-back") is True
        raise ValueError("the work failed")
    with transaction.atomic():
        assert outbox_once_claim(key="test:rolled-back") is True  # the failed work may run again
