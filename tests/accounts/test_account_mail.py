"""allauth's mails when the mail server does not answer: the request does not fail, the mail is
kept in the outbox without its secret and sent later with a fresh one (accounts.account_mail)."""

import json
import re
import smtplib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts import account_mail
from outbox.models import OutboxMessage
from outbox.services import outbox_message_run
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WARNING_KEPT = (
    "We could not send the e-mail just now. It is sent automatically as soon as our mail "
    "server answers again, usually within a few minutes."
)


def kept() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=account_mail.MAIL_WANTED).order_by("pk"))


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def signup(client, email="fatima@example.org", next_url=None):
    url = reverse("account_signup") + (f"?next={next_url}" if next_url else "")
    return client.post(
        url,
        {
            "full_name": "Fatima el Amrani",
            "email": email,
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
        follow=True,
    )


def test_signup_while_the_mail_server_is_down_answers_and_the_mail_follows(
    client, mail_server_down
):
    course = "/nl/e-learning/hotel/"
    response = signup(client, next_url=course)
    assert response.status_code == 200  # not 500: the account exists and the person is told
    user = get_user_model().objects.get(email="fatima@example.org")
    with translation.override("nl"):
        assert translation.gettext(WARNING_KEPT) in page_messages(response)
    (row,) = kept()
    # ids only: no confirmation key or link is stored
    assert row.payload["mail"] == "confirmation"
    assert row.payload["email_address_id"] == EmailAddress.objects.get(user=user).pk
    assert "confirm-email" not in json.dumps(row.payload)
    assert mail.outbox == []

    # still down: the run fails and the outbox tries this same row again
    with pytest.raises(smtplib.SMTPException):
        outbox_message_run(message_id=row.pk)
    (row,) = kept()
    assert row.attempts == 1 and row.done_at is None and mail.outbox == []

    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_message_run(message_id=row.pk) is True
    (sent,) = mail.outbox
    assert sent.to == ["fatima@example.org"]
    link = re.search(r"http://testserver(/\S*account/confirm-email/\S+)", sent.body).group(1)
    assert "next=%2Fnl%2Fe-learning%2Fhotel%2F" in link  # the chosen module is kept
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert response["Location"] == course


def test_a_kept_confirmation_is_not_sent_once_the_address_is_confirmed(client, mail_server_down):
    signup(client)
    (row,) = kept()
    EmailAddress.objects.filter(pk=row.payload["email_address_id"]).update(verified=True)
    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_message_run(message_id=row.pk)
    assert mail.outbox == []


def test_a_kept_mail_is_not_sent_a_day_later(client, mail_server_down):
    signup(client)
    (row,) = kept()
    row.payload["requested_at"] = (timezone.now() - timedelta(hours=25)).isoformat()
    row.save(update_fields=["payload"])
    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_message_run(message_id=row.pk) is True  # done: nothing owed any more
    assert mail.outbox == []


def test_password_reset_while_the_mail_server_is_down_sends_a_fresh_link_later(
    client, mail_server_down
):
    user = UserFactory(email="jan@example.org", preferred_language="nl")
    # asked on the English page: the page says it in English, the mail goes out in Dutch
    with translation.override("en"):
        response = client.post(
            reverse("account_reset_password"), {"email": "jan@example.org"}, follow=True
        )
    assert response.status_code == 200
    assert WARNING_KEPT in page_messages(response)
    (row,) = kept()
    assert row.payload["mail"] == "password_reset"
    assert row.payload["user_id"] == user.pk
    assert set(row.payload) == {"mail", "user_id", "requested_at"}  # no token, no link

    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_message_run(message_id=row.pk) is True
    (sent,) = mail.outbox
    assert sent.to == ["jan@example.org"]
    link = re.search(r"http://testserver(/\S+/password/reset/key/\S+/)", sent.body).group(1)
    response = client.get(link)  # allauth moves the key into the session
    assert response.status_code == 302
    response = client.post(
        response["Location"],
        {"password1": "een-nieuw-wachtwoord-77", "password2": "een-nieuw-wachtwoord-77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("een-nieuw-wachtwoord-77")
    assert not user.check_password(PASSWORD)


def test_reset_for_an_unknown_address_is_kept_as_rendered(client, mail_server_down):
    response = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}, follow=True
    )
    assert response.status_code == 200  # the same answer as for a known address
    (row,) = kept()
    assert row.payload["mail"] == "rendered"
    assert row.payload["to"] == ["nobody@example.org"]
    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_message_run(message_id=row.pk) is True
    (sent,) = mail.outbox
    assert sent.to == ["nobody@example.org"]
    assert sent.subject == row.payload["subject"]


def test_a_mail_that_cannot_be_kept_asks_the_person_to_try_again(rf, mail_server_down):
    """A mail with a secret this project does not send (a login code) is not kept: the
    person is asked to try again, and the request does not fail."""
    from allauth.account.adapter import get_adapter
    from allauth.core.context import request_context
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with request_context(request):
        get_adapter(request).send_mail(
            "account/email/login_code", "jan@example.org", {"code": "123456"}
        )
    assert kept() == []
    with translation.override("nl"):
        assert [str(m) for m in request._messages] == [
            translation.gettext(
                "We could not send the e-mail just now. Please try again in a few minutes."
            )
        ]


def test_the_stuck_work_page_names_a_kept_mail_without_personal_data(client, mail_server_down):
    from accounts import roles
    from cms.roles import ensure_roles

    signup(client)
    (row,) = kept()
    OutboxMessage.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(hours=1), attempts=5, failed_at=timezone.now()
    )
    ensure_roles()
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    page = client.get(reverse("outbox_stuck")).content.decode()
    with translation.override("nl"):
        label = translation.gettext("Account e-mail (confirmation, password reset)")
    # the address's id, not the address, and not the "signup" flag
    assert label in page and f"(nr. {row.payload['email_address_id']})</span>" in page
    assert "fatima@example.org" not in page


def test_a_kept_mails_links_use_the_sites_own_address(settings):
    """Made outside a request, the links point at SITE_URL (scheme and host), also when a
    proxy set-up does not list that host in ALLOWED_HOSTS."""
    settings.SITE_URL = "https://leren.example.nl"
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    request = account_mail.site_request(query={"next": "/pl/e-learning/"})
    assert request.build_absolute_uri("/pl/account/") == "https://leren.example.nl/pl/account/"
    assert request.GET["next"] == "/pl/e-learning/"


def test_the_admins_own_password_reset_is_not_offered(client):
    """One way to reset a password: allauth's, rate limited and kept when the mail server is
    down. Wagtail's form at /admin/password_reset/ would send without either."""
    UserFactory(email="ed@example.org")
    assert client.get("/admin/password_reset/").status_code == 404
    assert client.post("/admin/password_reset/", {"email": "ed@example.org"}).status_code == 404
    assert mail.outbox == []
