from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # Information flows leftward only through signals and registries (ADR 0004).
        from allauth.account.signals import email_confirmed, user_signed_up

        from accounts import destinations, personal_data
        from certificates import permissions, verification
        from certificates.signals import certificate_status_changed
        from outbox import registry as outbox_registry

        from . import receivers
        from .selectors import (
            join_destination,
            manager_may_view_certificate,
            membership_personal_data,
            organisation_certificate_lookup,
        )
        from .services import certification, notifications, staff

        certificate_status_changed.connect(
            receivers.on_certificate_status_changed, dispatch_uid="organisations_certificate"
        )
        verification.register_lookup(organisation_certificate_lookup)
        permissions.register_viewer_check(manager_may_view_certificate)
        personal_data.register("organisations", membership_personal_data)
        user_signed_up.connect(receivers.on_user_signed_up, dispatch_uid="organisations_signup")
        email_confirmed.connect(receivers.on_email_confirmed, dispatch_uid="organisations_confirm")
        destinations.register(join_destination)
        outbox_registry.register(
            certification.EVALUATION_WANTED,
            certification.organisation_evaluate_ensure,
            _("Checking an organisation's certification"),
        )
        outbox_registry.register(
            notifications.MANAGERS_EMAIL_WANTED,
            notifications.managers_email_ensure,
            _("E-mail to an organisation's managers"),
        )
        outbox_registry.register(
            notifications.REMINDERS_WANTED,
            notifications.organisation_reminders_ensure,
            _("Reminders to an organisation's staff"),
        )
        outbox_registry.register(
            staff.INVITATION_WANTED, staff.invitation_ensure, _("Staff invitation e-mail")
        )
        outbox_registry.register(
            staff.INVITATION_RESEND_WANTED,
            staff.invitation_resend_ensure,
            _("Staff invitation e-mail, sent again"),
        )
        outbox_registry.register(
            staff.MANAGER_INVITATION_WANTED,
            staff.manager_invitation_ensure,
            _("Co-manager invitation e-mail"),
        )
