from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainings"
    verbose_name = _("Trainings on location")

    def ready(self) -> None:
        from lms.signals import course_passed
        from outbox import registry as outbox_registry

        from . import receivers, services

        course_passed.connect(receivers.on_course_passed, dispatch_uid="trainings.on_course_passed")
        outbox_registry.register(
            services.REGISTRATION_EMAIL_WANTED,
            services.registration_email_ensure,
            _("Training e-mail to a participant"),
        )
        outbox_registry.register(
            services.GROUP_REQUEST_EMAIL_WANTED,
            services.group_request_email_ensure,
            _("Answer to a group request"),
        )
        outbox_registry.register(
            services.GROUP_REQUEST_NEW_EMAIL_WANTED,
            services.group_request_new_email_ensure,
            _("New group request to the organisers"),
        )
