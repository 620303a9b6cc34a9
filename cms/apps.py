from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .roles import ensure_roles_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, sender=self)
