from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        from organisations.models import Organisation

        from .context_processors import forget_navigation
        from .roles import ensure_roles_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        # The main navigation's role links are kept per person (context_processors); whatever
        # changes who holds which role starts them afresh.
        user = get_user_model()
        for relation in (
            user.groups.through,
            user.user_permissions.through,
            Group.permissions.through,
            Organisation.managers.through,
        ):
            m2m_changed.connect(forget_navigation, sender=relation, dispatch_uid=f"nav-{relation}")
        for model in (user, Group, Permission):  # superuser, active; new or renamed roles
            post_save.connect(forget_navigation, sender=model, dispatch_uid=f"nav-save-{model}")
        for deleted in (user, Group, Permission, Organisation):  # cascades send no m2m signal
            post_delete.connect(
                forget_navigation, sender=deleted, dispatch_uid=f"nav-del-{deleted}"
            )
