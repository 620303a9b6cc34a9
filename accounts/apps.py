from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from outbox import registry as outbox_registry

        from . import account_mail, two_factor  # noqa: F401 - two_factor registers its deploy check

        outbox_registry.register(
            account_mail.MAIL_WANTED,
            account_mail.account_mail_ensure,
            _("Account e-mail (confirmation, password reset)"),
        )
