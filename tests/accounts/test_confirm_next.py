"""A learner who signs up from a module and confirms the e-mail address in another browser (no
shared session) is brought back to that module (issue 15)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_confirming_in_another_browser_returns_to_the_chosen_module(client):
    course = factories.make_course(title="Gekozen module")
    module = course.url
    response = client.post(
        f"{reverse('account_signup')}?next={module}",
        {
            "full_name": "Sanne de Vries",
            "email": "sanne@example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "next": module,
        },
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://testserver(/account/confirm-email/\S+)", message.body).group(1)
    assert "next=" in link

    other_browser = Client()
    page = other_browser.get(link)
    assert page.status_code == 200
    hidden = re.search(r'name="next" value="([^"]+)"', page.content.decode())
    assert hidden is not None and hidden.group(1) == module
    response = other_browser.post(link.split("?")[0], {"next": hidden.group(1)})
    assert response.status_code == 302
    assert response["Location"] == module


def test_a_foreign_next_is_not_followed(client):
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Piet Jansen",
            "email": "piet@example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "next": "https://evil.example.com/",
        },
    )
    (message,) = mail.outbox
    assert "evil.example.com" not in message.body
