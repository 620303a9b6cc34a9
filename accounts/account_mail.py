"""allauth's e-mails (confirm your address, reset your password, "no account with this
address") when the mail server does not answer (ADR 0019, amended 2026-12-07 night).

They are sent in the request, as allauth does: the person waits for them, and the worker may be
busy. When the mail server refuses or does not answer, the request no longer fails (it answered
500 after the account had been created, so signing up again said "already registered"): the
mail is written to the outbox and sent later by the worker.

The outbox never holds a mail's secret. A confirmation or reset mail is stored as ids only and
made anew when it is sent (allauth's public `EmailAddress.send_confirmation` and
`ResetPasswordForm`, a fresh key), so a database reader cannot use a stored link; a mail
without a secret ("no account with this address", "an account already exists") is stored as
rendered. A mail of another kind (a login code, a notification: off in this project's
settings) is not kept: the person is told to try again in a few minutes."""

from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, QueryDict
from django.utils import timezone, translation

from outbox.services import outbox_add

from .mail import may_email, person_language, site_language

logger = logging.getLogger(__name__)

MAIL_WANTED = "accounts.account_mail"

#: allauth's templates whose mail is made anew, from ids, when it is sent later
CONFIRMATION_TEMPLATES = {
    "account/email/email_confirmation_signup": True,  # signup
    "account/email/email_confirmation": False,
}
RESET_TEMPLATE = "account/email/password_reset_key"
#: allauth's templates whose mail holds no secret: stored as rendered
RENDERED_TEMPLATES = frozenset(
    {"account/email/unknown_account", "account/email/account_already_exists"}
)

#: A mail that could not go out for this long is no longer what the person waits for (they
#: will have asked again; a link is not sent days later): the outbox run sends nothing.
SEND_LATER_HOURS = 24

_sending_later: ContextVar[bool] = ContextVar("account_mail_sending_later", default=False)


def sending_later() -> bool:
    """True while the outbox sends a kept mail: a failure then raises, so the outbox retries
    that same row, instead of keeping the mail a second time."""
    return _sending_later.get()


def account_mail_later(
    *,
    adapter,
    request: HttpRequest | None,
    template_prefix: str,
    email: str,
    context: dict[str, Any],
    next_url: str | None,
) -> bool:
    """Keep an allauth mail (`adapter.send_mail`'s arguments) that the mail server refused, to
    be sent by the worker. Returns False when this kind of mail is not kept (the person must
    ask again)."""
    user = context.get("user")
    requested_at = timezone.now().isoformat()
    if template_prefix in CONFIRMATION_TEMPLATES and user is not None:
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is None:
            return False
        payload: dict[str, Any] = {
            "mail": "confirmation",
            "email_address_id": address.pk,
            "signup": CONFIRMATION_TEMPLATES[template_prefix],
            "next": next_url or "",
        }
    elif template_prefix == RESET_TEMPLATE and user is not None:
        payload = {"mail": "password_reset", "user_id": user.pk}
    elif template_prefix in RENDERED_TEMPLATES:
        # rendered as allauth's send_mail renders it
        message = adapter.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        payload = {
            "mail": "rendered",
            "to": list(message.to),
            "subject": message.subject,
            "body": message.body,
            "content_subtype": message.content_subtype,
            "alternatives": [
                [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
            ],
        }
    else:
        return False
    outbox_add(kind=MAIL_WANTED, payload={**payload, "requested_at": requested_at})
    return True


def account_mail_ensure(*, mail: str, requested_at: str, **payload: Any) -> bool:
    """Outbox handler: send the kept mail now (see the module docstring). A mail older than
    SEND_LATER_HOURS, to an address already confirmed, or to an account that is gone or may not
    be written to, is not sent. A mail server that still does not answer raises, and the
    outbox tries again. Returns True when a mail went out."""
    if datetime.fromisoformat(requested_at) < timezone.now() - timedelta(hours=SEND_LATER_HOURS):
        return False
    with _later():
        if mail == "confirmation":
            return _confirmation_send(**payload)
        if mail == "password_reset":
            return _password_reset_send(**payload)
        if mail == "rendered":
            return _rendered_send(**payload)
    raise ValueError(f"unknown account mail {mail!r}")


@contextlib.contextmanager
def _later():
    token = _sending_later.set(True)
    try:
        yield
    finally:
        _sending_later.reset(token)


def _confirmation_send(*, email_address_id: int, signup: bool, next: str) -> bool:
    from allauth.account.models import EmailAddress
    from allauth.core.context import request_context

    address = EmailAddress.objects.select_related("user").filter(pk=email_address_id).first()
    if address is None or address.verified or not may_email(address.user):
        return False
    request = site_request(query={"next": next} if next else None)
    with request_context(request), translation.override(person_language(address.user)):
        # a new key, made now (allauth's HMAC confirmation): the outbox never held one
        address.send_confirmation(request, signup=signup)
    return True


def _password_reset_send(*, user_id: int) -> bool:
    from allauth.account.forms import ResetPasswordForm
    from allauth.core.context import request_context
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not may_email(user):
        return False
    request = site_request()
    with request_context(request), translation.override(person_language(user)):
        form = ResetPasswordForm(data={"email": user.email})
        if not form.is_valid():
            return False
        # allauth's own reset request: a new token, made now, to this account's address
        form.save(request)
    return True


def _rendered_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    content_subtype: str,
    alternatives: list[list[str]],
) -> bool:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    message.content_subtype = content_subtype
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()
    return True


class _SiteRequest(HttpRequest):
    """A request to this site's own address (SITE_URL), for allauth's links in a mail sent
    outside a request: the scheme and host the person's browser would use."""

    def __init__(self, scheme: str, host: str, query: dict[str, str] | None) -> None:
        super().__init__()
        self._site_scheme = scheme
        self.META = {
            "HTTP_HOST": host,
            "SERVER_NAME": host.split(":")[0],
            "SERVER_PORT": host.split(":")[1] if ":" in host else "",
        }
        self.method = "GET"
        self.path = self.path_info = "/"
        self.GET = QueryDict(urlencode(query or {}))
        self.LANGUAGE_CODE = site_language(translation.get_language())

    def _get_scheme(self) -> str:
        return self._site_scheme

    def get_host(self) -> str:
        # the site's own configured address: nothing a client sent, so nothing to validate
        # against ALLOWED_HOSTS (which a proxy set-up may not list it in)
        return self.META["HTTP_HOST"]


def site_request(*, query: dict[str, str] | None = None) -> HttpRequest:
    parts = urlsplit(settings.SITE_URL)
    return _SiteRequest(parts.scheme or "https", parts.netloc, query)
