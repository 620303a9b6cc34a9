from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import personal_data
        from accounts.signals import account_anonymised
        from lms.signals import course_passed

        from . import receivers, services

        course_passed.connect(
            receivers.on_course_passed, dispatch_uid="certificates.on_course_passed"
        )
        account_anonymised.connect(
            receivers.on_account_anonymised, dispatch_uid="certificates.on_account_anonymised"
        )
        personal_data.register("certificates", services.certificates_personal_data)
