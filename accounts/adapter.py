import logging
from urllib.parse import urlencode, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, get_next_redirect_url
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _

from . import account_mail, destinations
from .language_cookie import remember_language

logger = logging.getLogger(__name__)


#: the links allauth puts in its mails
MAIL_LINKS = ("activate_url", "password_reset_url", "signup_url")


def _in_language(url: str, language: str) -> str:
    """`url`, an address on this site, as the same page in `language`."""
    # translate_url resolves the address in the language it is written in
    written_in = translation.get_language_from_path(urlsplit(url).path)
    with translation.override(written_in or settings.LANGUAGE_CODE):
        return translate_url(url, language)


def _links_in(language: str, context: dict) -> dict:
    """The mail's links to this site's pages in `language` (allauth made them in the language
    of the page that asked for the mail)."""
    return {
        key: _in_language(url, language)
        for key in MAIL_LINKS
        if isinstance(url := context.get(key), str) and url
    }


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return super().clean_email(email).lower()

    def send_mail(self, template_prefix, email, context):
        # Mails go out in the person's own language where we know it: the account's (also for
        # "an account already exists", whose context names no user), and their links open the
        # pages in that language, whichever language the page that asked for the mail spoke.
        user = context.get("user") or next(
            iter(filter_users_by_email(email, prefer_verified=True)), None
        )
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            context = {**context, **_links_in(language, context)}
            kept = self._send_now_or_later(template_prefix, email, context)
        request = allauth_context.request
        if kept is None or request is None:
            return
        # in the page's language (the mail is in the person's)
        if kept:
            text = _(
                "We could not send the e-mail just now. It is sent automatically as soon as "
                "our mail server answers again, usually within a few minutes."
            )
        else:
            text = _("We could not send the e-mail just now. Please try again in a few minutes.")
        messages.warning(request, text)

    def _send_now_or_later(self, template_prefix, email, context) -> bool | None:
        """allauth's send_mail, in the request: None when it went out. A mail server that
        refuses or does not answer (an OSError: refused, timed out, an SMTP error) keeps the
        mail for the worker instead of failing the request (accounts.account_mail): True when
        kept, False when this mail cannot be kept."""
        request = allauth_context.request
        try:
            super().send_mail(template_prefix, email, context)
            return None
        except OSError as exc:
            if account_mail.sending_later():
                raise  # the outbox tries this same mail again
            logger.warning("account mail: mail server unavailable (%s)", type(exc).__name__)
            return account_mail.account_mail_later(
                adapter=self,
                request=request,
                template_prefix=template_prefix,
                email=email,
                context=context,
                next_url=get_next_redirect_url(request) if request is not None else None,
            )

    def post_login(self, request, user, **kwargs):
        """From logging in on, the site speaks the person's own language (their profile's),
        whatever this device spoke before (a shared Dutch phone, someone else's cookie): the
        "signed in" message, the page they land on (the same page in their language) and,
        through the language cookie, the pages after it."""
        language = getattr(user, "preferred_language", "")
        if language not in dict(settings.LANGUAGES):
            return super().post_login(request, user, **kwargs)
        with translation.override(language):
            response = super().post_login(request, user, **kwargs)
        if response.has_header("Location"):
            response["Location"] = _in_language(response["Location"], language)
        remember_language(response, language)
        return response

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The confirmation link carries where the person was going when they signed up (the
        module they chose), so confirming it in another browser or on another device brings
        them back there (allauth's confirm view follows a safe `next`)."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        going_to = get_next_redirect_url(request) if request is not None else None
        if going_to:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode({'next': going_to})}"
        return url

    def get_email_verification_redirect_url(self, email_address) -> str:
        # A link opened in another browser has no `next`: a registered destination (e.g. the
        # course of the establishment the person signed up to join) still takes them there,
        # through the login page when this browser is not logged in.
        url = destinations.after_email_confirmation(email_address.user)
        if url is None:
            return super().get_email_verification_redirect_url(email_address)
        if self.request.user.is_authenticated:
            return url
        return f"{reverse('account_login')}?{urlencode({'next': url})}"
