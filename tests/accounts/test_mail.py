"""accounts.mail: whom we may write to, in which language, and the templated mail itself."""

import pytest
from django.db import transaction
from django.utils import timezone, translation

from accounts.mail import mail_message, mail_send, may_email, person_language, site_language
from accounts.models import User

TEMPLATES = {
    # a subject written over several lines, as the apps' templates are
    "test/email/hello_subject.txt": (
        "{% load i18n %}{% get_current_language as language %}\n  Hello\n  {{ name }} ({{ language }})\n"
    ),
    "test/email/hello_body.txt": (
        "{% load i18n %}{% get_current_language as language %}Body for {{ name }} in {{ language }}.\n"
    ),
}


@pytest.fixture
def mail_templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)],
            },
        }
    ]


def test_site_language_keeps_a_site_language_and_falls_back_to_the_default(settings):
    settings.LANGUAGE_CODE = "nl"
    assert site_language("pl") == "pl"
    assert site_language("en") == "en"
    assert site_language("de") == "nl"
    assert site_language("") == "nl"
    assert site_language(None) == "nl"


def test_person_language_is_the_preferred_language_or_the_default(settings):
    settings.LANGUAGE_CODE = "nl"
    assert person_language(User(email="a@example.org", preferred_language="es")) == "es"
    assert person_language(User(email="a@example.org", preferred_language="xx")) == "nl"
    assert person_language(None) == "nl"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, True),
        ({"is_active": False}, False),
        ({"email": ""}, False),
        ({"anonymised_at": timezone.now()}, False),
    ],
)
def test_may_email_only_an_active_account_with_an_address_not_anonymised(fields, expected):
    user = User(**{"email": "a@example.org", "is_active": True, **fields})
    assert may_email(user) is expected


def test_mail_send_renders_in_the_given_language(mail_templates, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "programme@example.org"
    with translation.override("es"):
        mail_send(
            to="a@example.org", language="pl", template="test/email/hello", context={"name": "Ada"}
        )
        # the caller's language is left as it was
        assert translation.get_language() == "es"
    [message] = mailoutbox
    assert message.subject == "Hello Ada (pl)"
    assert message.body == "Body for Ada in pl.\n"
    assert message.from_email == "programme@example.org"
    assert message.to == ["a@example.org"]
    assert message.cc == message.bcc == []


def test_mail_send_in_an_unknown_language_writes_the_default(mail_templates, mailoutbox, settings):
    settings.LANGUAGE_CODE = "nl"
    mail_send(
        to="a@example.org", language="xx", template="test/email/hello", context={"name": "Ada"}
    )
    assert mailoutbox[0].subject == "Hello Ada (nl)"


@pytest.mark.django_db(transaction=True)
def test_mail_message_is_rendered_now_and_sent_on_commit(mail_templates, mailoutbox):
    with transaction.atomic():
        message = mail_message(
            to=["a@example.org", "b@example.org"],
            language="en",
            template="test/email/hello",
            context={"name": "Ada"},
        )
        transaction.on_commit(message.send)
        assert mailoutbox == []
    [sent] = mailoutbox
    assert sent.subject == "Hello Ada (en)"
    assert sent.to == ["a@example.org", "b@example.org"]
