"""E-mails to an organisation's people that are not invitations: the managers hear about the
certification (certified, at risk, lapsed), and members who have not finished get a reminder
when a manager asks (at most one per member per week)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.mail import mail_send, may_email, person_language
from certificates import rules
from certificates.services import absolute_url
from outbox.services import outbox_add

from .. import rules as organisation_rules
from ..models import Organisation, ReminderLog
from ..selectors import (
    MemberStatus,
    certification_counts,
    counting_course_page,
    organisation_members,
    staff_count,
)

#: Outbox kinds (handlers registered in OrganisationsConfig.ready): written in the transaction
#: that wants the e-mail, sent after it commits (ADR 0019).
MANAGERS_EMAIL_WANTED = "organisations.managers_email"
REMINDERS_WANTED = "organisations.reminders"

#: The e-mails managers get about the certification: one per notice of the rule.
MANAGER_EMAILS = tuple(notice.value for notice in organisation_rules.Notice)
#: A member who has not finished gets at most one reminder in this period.
REMINDER_INTERVAL = timedelta(days=7)


def managers_email_request(*, organisation_id: int, template: str) -> None:
    """Ask for the managers' e-mail `template`, in the caller's transaction: it is sent from a
    task after the commit, so a slow mail server never holds a row lock or fails the change."""
    if template not in MANAGER_EMAILS:
        raise ValueError(f"unknown manager e-mail {template!r}")
    outbox_add(
        kind=MANAGERS_EMAIL_WANTED,
        payload={"organisation_id": organisation_id, "template": template},
    )


def managers_email(*, organisation: Organisation, template: str) -> int:
    """E-mail every manager about the organisation's certification (in their language)."""
    if template not in MANAGER_EMAILS:
        raise ValueError(f"unknown manager e-mail {template!r}")
    counts = certification_counts(organisation=organisation)
    staff = staff_count(declared_staff=organisation.declared_staff, members=counts.members)
    context = {
        "organisation": organisation,
        "passed": counts.passed,
        "staff": staff,
        "needed": rules.passes_needed(staff_count=staff, passed_count=counts.passed),
        "grace_days": settings.ORGANISATION_GRACE_DAYS,
    }
    sent = 0
    for manager in organisation.managers.filter(is_active=True):
        if not may_email(manager):  # the one rule for whom we write to (accounts.mail)
            continue
        language = person_language(manager)
        with translation.override(language):
            # the dashboard in the manager's language, as the rest of the mail
            dashboard_url = absolute_url(reverse("organisations:dashboard", args=[organisation.pk]))
        mail_send(
            to=manager.email,
            language=language,
            template=f"organisations/email/{template}",
            context={**context, "recipient": manager, "dashboard_url": dashboard_url},
        )
        sent += 1
    return sent


def managers_email_ensure(*, organisation_id: int, template: str) -> int:
    """Outbox handler for managers_email."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    return managers_email(organisation=organisation, template=template) if organisation else 0


def _page_url(page) -> str:
    url = page.get_url() or "/"
    return absolute_url(url) if url.startswith("/") else url


def organisation_reminders_request(*, organisation: Organisation) -> None:
    """A manager asks for reminders to everyone who has not finished (sent by a task)."""
    outbox_add(kind=REMINDERS_WANTED, payload={"organisation_id": organisation.pk})


def organisation_reminders_ensure(*, organisation_id: int) -> int:
    """Outbox handler for organisation_reminders_send (at most one per member per week)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    return organisation_reminders_send(organisation=organisation) if organisation else 0


def organisation_reminders_send(*, organisation: Organisation, now: datetime | None = None) -> int:
    """E-mail members who have not passed yet, at most once per member per 7 days."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        # one reminder run per organisation at a time, so two clicks never send twice
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        recent = set(
            ReminderLog.objects.filter(
                membership__organisation=organisation, sent_at__gt=now - REMINDER_INTERVAL
            ).values_list("membership_id", flat=True)
        )
        for member in organisation_members(organisation=organisation):
            if member.member_status == MemberStatus.PASSED or member.pk in recent:
                continue
            if not may_email(member.user):
                continue
            ReminderLog.objects.create(membership=member, sent_at=now)
            language = person_language(member.user)
            course = counting_course_page(organisation=organisation, language=language)
            mail_send(
                to=member.user.email,
                language=language,
                template="organisations/email/reminder",
                context={
                    "organisation": organisation,
                    "member": member,
                    "learning_url": _page_url(course) if course else absolute_url("/"),
                    "course_title": course.title if course else "",
                    "course_minutes": getattr(course, "estimated_minutes", None) or 0,
                },
            )
            sent += 1
    return sent
