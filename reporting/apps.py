from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Programme reporting")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from certificates.signals import certificate_status_changed
        from lms.signals import course_passed
        from organisations.models import Organisation, StaffMembership

        from . import receivers

        course_passed.connect(receivers.on_course_passed, dispatch_uid="reporting.on_course_passed")
        certificate_status_changed.connect(
            receivers.on_certificate_status_changed,
            dispatch_uid="reporting.on_certificate_status_changed",
        )
        user = get_user_model()
        pre_save.connect(
            receivers.on_user_saving, sender=user, dispatch_uid="reporting.on_user_saving"
        )
        post_save.connect(
            receivers.on_user_saved, sender=user, dispatch_uid="reporting.on_user_saved"
        )
        # the kinds of organisation people work for (a breakdown of the kept counts)
        post_save.connect(
            receivers.on_membership_saved,
            sender=StaffMembership,
            dispatch_uid="reporting.on_membership_saved",
        )
        post_delete.connect(
            receivers.on_membership_deleted,
            sender=StaffMembership,
            dispatch_uid="reporting.on_membership_deleted",
        )
        pre_save.connect(
            receivers.on_organisation_saving,
            sender=Organisation,
            dispatch_uid="reporting.on_organisation_saving",
        )
        post_save.connect(
            receivers.on_organisation_saved,
            sender=Organisation,
            dispatch_uid="reporting.on_organisation_saved",
        )
        pre_delete.connect(
            receivers.on_organisation_deleting,
            sender=Organisation,
            dispatch_uid="reporting.on_organisation_deleting",
        )
        post_delete.connect(
            receivers.on_organisation_deleted,
            sender=Organisation,
            dispatch_uid="reporting.on_organisation_deleted",
        )
