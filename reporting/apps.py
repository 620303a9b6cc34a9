from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Programme reporting")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
        from django.dispatch import Signal

        from certificates.signals import certificate_status_changed
        from lms.signals import course_passed
        from organisations.models import Organisation, StaffMembership

        from . import receivers

        user = get_user_model()
        # (signal, receiver, sender): what keeps the kept counts (ADR 0020) with the events
        # that change them; a sender of None listens to every sender
        connections: list[tuple[Signal, Callable[..., Any], type | None]] = [
            (course_passed, receivers.on_course_passed, None),
            (certificate_status_changed, receivers.on_certificate_status_changed, None),
            # a person's region, sector and role
            (pre_save, receivers.on_user_saving, user),
            (post_save, receivers.on_user_saved, user),
            # the kinds of organisation people work for
            (post_save, receivers.on_membership_saved, StaffMembership),
            (post_delete, receivers.on_membership_deleted, StaffMembership),
            (pre_save, receivers.on_organisation_saving, Organisation),
            (post_save, receivers.on_organisation_saved, Organisation),
            (pre_delete, receivers.on_organisation_deleting, Organisation),
            (post_delete, receivers.on_organisation_deleted, Organisation),
        ]
        for signal, receiver, sender in connections:
            signal.connect(receiver, sender=sender, dispatch_uid=f"reporting.{receiver.__name__}")
