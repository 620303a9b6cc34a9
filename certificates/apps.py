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
        from outbox import registry as outbox_registry

        from . import receivers, services

        course_passed.connect(
            receivers.on_course_passed, dispatch_uid="certificates.on_course_passed"
        )
        account_anonymised.connect(
            receivers.on_account_anonymised, dispatch_uid="certificates.on_account_anonymised"
        )
        personal_data.register("certificates", services.certificates_personal_data)
        outbox_registry.register(
            services.PDF_WANTED, services.certificate_pdf_ensure, _("Certificate PDF")
        )
        outbox_registry.register(
            services.EMAIL_WANTED, services.certificate_email_ensure, _("Certificate e-mail")
        )
        outbox_registry.register(
            services.REISSUE_WANTED, services.reissue_job_ensure, _("Reissuing certificates")
        )
        outbox_registry.register(
            services.ARCHIVE_WANTED, services.archive_ensure, _("ZIP file of certificates")
        )
        outbox_registry.register(
            services.NAME_CORRECTED_WANTED,
            services.name_corrected_email_ensure,
            _("E-mail about a corrected name"),
        )
