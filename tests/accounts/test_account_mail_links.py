"""allauth's e-mails are written in the person's language, and their links open the pages in that
language too, whichever language the page that asked for the mail spoke."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_password_reset_asked_on_the_dutch_page_links_to_the_persons_language(client):
    UserFactory(email="zofia@example.org", preferred_language="pl")
    with translation.override("nl"):
        url = reverse("account_reset_password")
    assert client.post(url, {"email": "zofia@example.org"}).status_code == 302
    (sent,) = mail.outbox
    with translation.override("pl"):
        assert sent.subject.endswith(translation.gettext("Choose a new password"))
    link = re.search(r"http://testserver(/\S+/password/reset/key/\S+/)", sent.body).group(1)
    assert link.startswith("/pl/account/password/reset/key/")
    response = client.get(link)  # allauth moves the key into the session
    assert response.status_code == 302
    assert response["Location"].startswith("/pl/account/password/reset/key/")


def test_an_account_that_already_exists_hears_so_in_its_own_language(client):
    """Signing up on the Spanish page with the address of a Polish account: the account's
    owner reads the mail (and its links) in Polish."""
    UserFactory(email="zofia@example.org", preferred_language="pl")
    with translation.override("es"):
        url = reverse("account_signup")
    client.post(
        url,
        {
            "full_name": "Otra persona",
            "email": "zofia@example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
    )
    (sent,) = mail.outbox
    assert sent.to == ["zofia@example.org"]
    links = re.findall(r"http://testserver(/\S+)", sent.body)
    assert links and all(link.startswith("/pl/") for link in links)
    with translation.override("es"):
        spanish_greeting = translation.gettext("Hi,")
    with translation.override("pl"):
        assert sent.body.startswith(translation.gettext("Hi,"))
    assert spanish_greeting not in sent.body


def _sentences_unbroken(body: str) -> bool:
    """Every line of the mail is a whole sentence (or a link, or the address): no line broken
    in the middle of a sentence, as allauth's own template did."""
    lines = [line for line in body.splitlines() if line.strip()]
    return all(
        line.startswith("http") or "@" in line or line.rstrip()[-1] in ".,:?!"
        for line in lines[:-1]  # the last line is the programme's name
    )


def test_an_account_that_already_exists_reads_in_the_projects_words(client):
    UserFactory(email="emma@example.org", preferred_language="en")
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Someone",
            "email": "emma@example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
    )
    (sent,) = mail.outbox
    assert sent.subject.endswith("You already have an account")
    assert "Forgot your password? Choose a new one with the link below:" in sent.body
    assert _sentences_unbroken(sent.body)


def test_an_unknown_address_reads_in_the_projects_words(client):
    with translation.override("en"):
        url = reverse("account_reset_password")
    client.post(url, {"email": "nobody@example.org"})
    (sent,) = mail.outbox
    assert sent.subject.endswith("No account with this e-mail address")
    assert "nobody@example.org" in sent.body
    assert "/en/account/signup/" in sent.body
    assert _sentences_unbroken(sent.body)
