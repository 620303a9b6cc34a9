from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return super().clean_email(email).lower()

    def send_mail(self, template_prefix, email, context):
        # Mails go out in the person's own language where we know it.
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The confirmation link carries where the person was going when they signed up (the
        module they chose), so confirming it in another browser or on another device brings
        them back there (allauth's confirm view follows a safe `next`)."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        going_to = get_next_redirect_url(request) if request is not None else None
        if going_to:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode({'next': going_to})}"
        return url
