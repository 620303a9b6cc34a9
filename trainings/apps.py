from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainings"
    verbose_name = _("Trainings on location")

    def ready(self) -> None:
        from lms.signals import course_passed

        from . import receivers

        course_passed.connect(receivers.on_course_passed, dispatch_uid="trainings.on_course_passed")
