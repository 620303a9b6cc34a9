import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_registration_requires_email_verification(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Fatima el Amrani",
            "email": "Fatima@Example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="fatima@example.org")
    assert user.full_name == "Fatima el Amrani"
    assert not EmailAddress.objects.get(user=user).verified
    # Not logged in until verified.
    assert client.get(reverse("accounts:settings")).status_code == 302

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/account/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_registration_keeps_the_optional_sector_role_and_region(client):
    from accounts.models import ProfessionalRole, Region, Sector

    form = client.get(reverse("account_signup")).content.decode()
    assert 'name="professional_role"' in form
    role = ProfessionalRole.objects.get(slug="aandachtsfunctionaris-mensenhandel")
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Sanne Bakker",
            "email": "sanne@example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "sector": Sector.objects.get(slug="gemeente").pk,
            "professional_role": role.pk,
            "region": Region.objects.get(slug="utrecht").pk,
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="sanne@example.org")
    assert (user.sector.slug, user.professional_role, user.region.slug) == (
        "gemeente",
        role,
        "utrecht",
    )


def test_registration_rejects_bad_input_with_form_errors(client):
    UserFactory(email="taken@example.org")
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "",
            "email": "not-an-email",
            "password1": "kort",
            "password2": "anders",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["full_name"]
    assert form.errors["email"]


def test_login_logout_and_password_reset(client):
    user = UserFactory(email="lid@example.org")
    response = client.post(
        reverse("account_login"), {"login": "LID@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:settings")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:settings")).status_code == 302

    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    assert "/account/password/reset/key/" in mail.outbox[0].body


def test_sixth_wrong_password_in_a_minute_is_refused(client):
    user = UserFactory(email="doelwit@example.org")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "fout-wachtwoord"}
        )
        assert response.status_code == 200
        assert "rate" not in str(response.context["form"].errors).lower()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    # Even the right password is refused now, with a clear message.
    assert response.status_code in (200, 429)
    body = response.content.decode()
    assert "Too many failed login attempts" in body or "Te veel inlogpogingen" in body
    assert client.get(reverse("accounts:settings")).status_code == 302


def test_password_reset_is_rate_limited(client):
    user = UserFactory()
    codes = [
        client.post(reverse("account_reset_password"), {"email": user.email}).status_code
        for _ in range(7)
    ]
    assert 429 in codes or len(mail.outbox) <= 5


def test_account_mails_greet_from_the_platform_not_the_host(client):
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Ewa Nowak",
            "email": "ewa@example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
    )
    (message,) = mail.outbox
    assert "Samen tegen mensenhandel" in message.body
    assert "testserver!" not in message.body  # "Hallo van testserver!" before
    # the link still points at the host the person used
    assert "http://testserver/account/confirm-email/" in message.body


def nl(msgid: str, **values) -> str:
    with translation.override("nl"):
        text = translation.gettext(msgid)
    return text % values if values else text


def test_the_confirmation_mail_is_the_projects_own_and_its_link_works(client):
    """Not allauth's stock text ("aan zijn of haar account", "Bedankt voor het gebruiken van"):
    a short, friendly mail of our own that still carries the working link."""
    details = {"full_name": "Fatima el Amrani", "email": "fatima@example.org"}
    password = {"password1": "een-lang-wachtwoord-42", "password2": "een-lang-wachtwoord-42"}
    assert client.post(reverse("account_signup"), {**details, **password}).status_code == 302
    (message,) = mail.outbox
    assert nl("Confirm your e-mail address") in message.subject
    assert nl("Hi %(name)s,", name="Fatima el Amrani") in message.body
    assert nl("Welcome to the learning platform of Samen tegen mensenhandel.") in message.body
    assert nl("Samen tegen mensenhandel") in message.body.rsplit("\n\n", 1)[-1]
    for stock in (
        "zijn of haar",
        "Bedankt voor het gebruiken",
        "Thank you for using",
        "Hello from",
    ):
        assert stock not in message.body
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="fatima@example.org").verified


def test_the_password_reset_mail_is_the_projects_own(client):
    user = UserFactory(email="lid@example.org", full_name="Jan de Vries")
    client.post(reverse("account_reset_password"), {"email": user.email})
    (message,) = mail.outbox
    assert nl("Choose a new password") in message.subject
    assert nl("Hi %(name)s,", name="Jan de Vries") in message.body
    assert "/account/password/reset/key/" in message.body
    assert "Thank you for using" not in message.body
    assert "Bedankt voor het gebruiken" not in message.body
