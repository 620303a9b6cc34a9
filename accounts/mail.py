"""E-mail to a person: whether we may write to them, the language to write in, and the templated
mail itself. Certificates, trainings and organisations keep their own templates and decide what to
send and when; how a mail is chosen, rendered and addressed lives here, once."""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def site_language(language: str | None) -> str:
    """`language` when it is one of the site's languages (settings.LANGUAGES), else the
    default language."""
    return language if language and language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def person_language(user) -> str:
    """The language to write to `user` in: their preferred language (the default language for
    an unknown one, or when there is no person)."""
    return site_language(getattr(user, "preferred_language", ""))


def may_email(user) -> bool:
    """We write only to an active account with an address that has not been anonymised (a
    deleted account is deactivated and anonymised)."""
    return bool(user.is_active and user.email and user.anonymised_at is None)


def mail_message(*, to: Sequence[str], language: str, template: str, context: dict) -> EmailMessage:
    """The plain-text mail `<template>_subject.txt` / `<template>_body.txt`, rendered now in
    `language`, from DEFAULT_FROM_EMAIL to `to`. Not sent: a caller inside a transaction sends
    it on commit (`transaction.on_commit(message.send)`)."""
    with translation.override(site_language(language)):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return EmailMessage(
        # a header is one line: the template's line breaks and indentation are dropped
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
    )


def mail_send(*, to: str, language: str, template: str, context: dict) -> None:
    """Render `template` in `language` and send it to the address `to` now (see mail_message)."""
    mail_message(to=[to], language=language, template=template, context=context).send()
