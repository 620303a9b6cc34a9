from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Programme reporting")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save, pre_save

        from certificates.signals import certificate_revoked
        from lms.signals import completion_recorded

        from . import receivers

        completion_recorded.connect(
            receivers.on_completion_recorded, dispatch_uid="reporting.on_completion_recorded"
        )
        certificate_revoked.connect(
            receivers.on_certificate_revoked, dispatch_uid="reporting.on_certificate_revoked"
        )
        user = get_user_model()
        pre_save.connect(receivers.on_user_saving, sender=user, dispatch_uid="reporting.on_user_saving")
        post_save.connect(receivers.on_user_saved, sender=user, dispatch_uid="reporting.on_user_saved")
