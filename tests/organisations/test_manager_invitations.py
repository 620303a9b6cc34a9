"""Co-managers are invited, not appointed (issue 18): the same answer whether or not the address
has an account (no enumeration), and the person becomes a manager only by accepting, signed in
with the invited address. Web page and API."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from organisations.models import ManagerInvitation
from organisations.services import staff
from outbox.models import OutboxMessage
from outbox.services import outbox_message_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_url(organisation):
    return reverse("organisations:manager_add", args=[organisation.pk])


def accept_path(message) -> str:
    link = re.search(r"https?://\S+/beheer-uitnodiging/\S+/", message.body).group(0)
    return link.split("testserver", 1)[1]


def send_invitations() -> None:
    """Run the outbox messages in-process (as the worker would) for every invitation e-mail
    not sent yet."""
    for message in OutboxMessage.objects.filter(
        kind=staff.MANAGER_INVITATION_WANTED, done_at__isnull=True
    ):
        outbox_message_run(message_id=message.pk)


def invite_on_the_page(client, organisation, email, capture):
    with capture(execute=True):
        response = client.post(add_url(organisation), {"manager-email": email}, follow=True)
    send_invitations()
    return response


def test_the_page_answers_the_same_with_or_without_an_account(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    UserFactory(email="has-account@example.org")
    client.force_login(manager)
    existing = invite_on_the_page(
        client, organisation, "has-account@example.org", django_capture_on_commit_callbacks
    )
    unknown = invite_on_the_page(
        client, organisation, "no-account@example.org", django_capture_on_commit_callbacks
    )
    assert existing.status_code == unknown.status_code == 200
    assert existing.redirect_chain == unknown.redirect_chain
    messages = [[str(m) for m in response.context["messages"]] for response in (existing, unknown)]
    assert messages[0] == [messages[1][0].replace("no-account", "has-account")]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "has-account@example.org",
        "no-account@example.org",
    ]
    assert list(organisation.managers.all()) == [manager]


def test_accepting_signed_in_with_the_invited_address_makes_a_manager(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(manager)
    invite_on_the_page(
        client, organisation, "Colleague@example.org", django_capture_on_commit_callbacks
    )
    path = accept_path(mail.outbox[0])

    anonymous = Client()
    assert anonymous.get(path).status_code == 302  # log in (or sign up) first
    other = Client()
    other.force_login(UserFactory(email="someone-else@example.org"))
    refused = other.post(path)
    assert refused.status_code == 403
    assert refused.context["error"]  # says to log in with the invited address
    assert list(organisation.managers.all()) == [manager]

    invited = Client()
    invited.force_login(colleague)
    assert invited.get(path).status_code == 200
    accepted = invited.post(path)
    assert accepted.status_code == 302
    assert set(organisation.managers.all()) == {manager, colleague}
    # the invitation is used: nobody else can take it, accepting again is harmless
    assert invited.post(path).status_code == 302
    assert ManagerInvitation.objects.get().accepted_by == colleague


def test_an_unverified_address_cannot_accept(manager, organisation):
    invitation = staff.manager_invite(
        organisation=organisation, email="new@example.org", invited_by=manager
    )
    newcomer = UserFactory(email="new@example.org", verified=False)
    client = Client()
    client.force_login(newcomer)
    response = client.post(
        reverse("organisations:manager_invitation_accept", args=[invitation.token])
    )
    assert response.status_code == 403
    assert not organisation.managers.filter(pk=newcomer.pk).exists()


def test_the_api_invites_with_a_token(manager, organisation, django_capture_on_commit_callbacks):
    from accounts.services import access_token_create

    _token, raw = access_token_create(user=manager, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/organisations/{organisation.pk}/managers"
    bodies = []
    for email in ("has-account@example.org", "no-account@example.org"):
        if email.startswith("has"):
            UserFactory(email=email)
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(url, {"email": email}, content_type="application/json")
        send_invitations()
        assert response.status_code == 202
        bodies.append(response.json()["detail"].replace(email, "…"))
    assert bodies[0] == bodies[1]
    assert len(mail.outbox) == 2
    assert list(organisation.managers.all()) == [manager]
    bad = api.post(url, {"email": "not an address"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_email"


def test_the_invitation_email_goes_through_the_outbox_in_its_language(
    manager, organisation, mailoutbox
):
    """One mechanism for every invitation e-mail: written to the outbox in the inviting
    transaction (a rolled-back invite leaves nothing), sent once, in the chosen language."""
    from django.db import transaction

    with transaction.atomic():
        staff.manager_invite(
            organisation=organisation, email="gone@example.org", language="pl", invited_by=manager
        )
        transaction.set_rollback(True)
    assert not OutboxMessage.objects.exists() and not ManagerInvitation.objects.exists()

    invitation = staff.manager_invite(
        organisation=organisation, email="ola@example.org", language="pl", invited_by=manager
    )
    message = OutboxMessage.objects.get()
    assert message.kind == staff.MANAGER_INVITATION_WANTED
    assert message.payload == {"invitation_id": invitation.pk}
    # inviting the same address again neither makes a second invitation nor a second e-mail
    again = staff.manager_invite(
        organisation=organisation, email="Ola@example.org", invited_by=manager
    )
    assert again == invitation and OutboxMessage.objects.count() == 1

    assert outbox_message_run(message_id=message.pk)
    assert not outbox_message_run(message_id=message.pk)  # done: a redelivery sends nothing
    assert staff.manager_invitation_ensure(invitation_id=invitation.pk) is False  # sent once
    assert len(mailoutbox) == 1
    assert f"/pl/organisaties/beheer-uitnodiging/{invitation.token}/" in mailoutbox[0].body
    assert "Hello," not in mailoutbox[0].body  # Polish, not the English source text
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
