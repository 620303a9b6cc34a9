from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate, pre_delete
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        from organisations.models import Organisation

        from .context_processors import membership_changed, role_deleted
        from .roles import ensure_roles_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        # The main navigation's role links are kept per person (context_processors): a change to
        # who holds which role forgets the entries of the people it touches, nobody else's.
        user = get_user_model()
        for relation in (
            user.groups.through,
            user.user_permissions.through,
            Group.permissions.through,
            Organisation.managers.through,
        ):
            m2m_changed.connect(membership_changed, sender=relation, dispatch_uid=f"nav-{relation}")
        for deleted in (Group, Permission, Organisation):  # cascades send no m2m signal
            pre_delete.connect(role_deleted, sender=deleted, dispatch_uid=f"nav-del-{deleted}")
