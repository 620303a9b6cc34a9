from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import personal_data

        from .selectors import learner_personal_data

        personal_data.register("learning", learner_personal_data)

        from courses import learner_context

        from .selectors import course_learner_context

        learner_context.register("learning", course_learner_context)
