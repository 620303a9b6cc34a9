from allauth.account.adapter import DefaultAccountAdapter
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
