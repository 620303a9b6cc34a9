"""organisations.services.notifications: the managers' certification e-mails and the reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from organisations.models import (
    CertificationStatusChange,
    Organisation,
)
from organisations.services import notifications
from tests.factories import UserFactory
from tests.organisations.conftest import add_staff, make_organisation

pytestmark = pytest.mark.django_db
Status = Organisation.CertificationStatus
Cause = CertificationStatusChange.Cause


@pytest.mark.parametrize(
    ("template", "words"),
    [("at_risk", "30 days"), ("lapsed", "lapsed"), ("certified", "certified")],
)
def test_managers_are_emailed_in_their_language(manager, hotel_course, settings, template, words):
    settings.ORGANISATION_GRACE_DAYS = 30
    manager.preferred_language = "en"
    manager.save()
    organisation = make_organisation(manager=manager, course=hotel_course, name="Hotel B&B")
    co_manager = UserFactory(preferred_language="en")
    organisation.managers.add(co_manager)
    assert notifications.managers_email(organisation=organisation, template=template) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, co_manager.email])
    message = mail.outbox[0]
    assert "Hotel B&B" in message.subject and "&amp;" not in message.body
    assert words in message.body
    assert f"/organisaties/{organisation.pk}/" in message.body


def test_managers_email_skips_a_manager_who_may_not_be_written_to(manager, hotel_course):
    """The same rule as every other mail (accounts.mail.may_email): an anonymised manager whose
    account is still active gets nothing."""
    from django.utils import timezone

    organisation = make_organisation(manager=manager, course=hotel_course, name="Hotel C")
    anonymised = UserFactory()
    anonymised.anonymised_at = timezone.now()
    anonymised.save(update_fields=["anonymised_at"])
    organisation.managers.add(anonymised)
    assert notifications.managers_email(organisation=organisation, template="certified") == 1
    assert [m.to[0] for m in mail.outbox] == [manager.email]


def test_reminders_go_to_unfinished_members_at_most_once_a_week(organisation, hotel_course):
    add_staff(organisation, hotel_course, passed=1, unfinished=2)
    now = timezone.now()
    assert notifications.organisation_reminders_send(organisation=organisation, now=now) == 2
    assert len(mail.outbox) == 2
    assert (
        notifications.organisation_reminders_send(
            organisation=organisation, now=now + timedelta(days=6)
        )
        == 0
    )
    assert (
        notifications.organisation_reminders_send(
            organisation=organisation, now=now + timedelta(days=7, minutes=1)
        )
        == 2
    )
    assert len(mail.outbox) == 4


def test_reminders_skip_a_member_who_may_not_be_written_to(organisation, hotel_course):
    """The rule every mail follows (accounts.mail.may_email): a deactivated member still on the
    staff list gets no reminder."""
    add_staff(organisation, hotel_course, passed=0, unfinished=2)
    member = organisation.memberships.filter(left_at__isnull=True).first().user
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert notifications.organisation_reminders_send(organisation=organisation) == 1
    assert member.email not in [m.to[0] for m in mail.outbox]


def test_managers_email_links_to_the_dashboard_in_each_managers_language(
    manager, hotel_course, settings
):
    """The link opens the dashboard in the language the mail is written in."""
    manager.preferred_language = "nl"
    manager.save(update_fields=["preferred_language"])
    organisation = make_organisation(manager=manager, course=hotel_course, name="Hotel D")
    polish = UserFactory(preferred_language="pl")
    organisation.managers.add(polish)
    assert notifications.managers_email(organisation=organisation, template="certified") == 2
    by_address = {m.to[0]: m.body for m in mail.outbox}
    dashboard = f"{settings.SITE_URL}/organisaties/{organisation.pk}/"
    polish_dashboard = f"{settings.SITE_URL}/pl/organisaties/{organisation.pk}/"
    assert f"{polish_dashboard}\n" in by_address[polish.email]
    assert f"{dashboard}\n" in by_address[manager.email]


def test_a_reminder_names_the_course_and_its_own_duration(organisation, hotel_course):
    """The reminder says how long the organisation's course takes (its estimate), as the
    invitation does, not a fixed "about 20 minutes"."""
    hotel_course.estimated_minutes = 25
    hotel_course.save_revision().publish()
    add_staff(organisation, hotel_course, passed=0, unfinished=1)
    assert notifications.organisation_reminders_send(organisation=organisation) == 1
    with translation.override("nl"):
        said = translation.ngettext(
            '%(name)s asks you to complete the free training "%(course)s". It takes about '
            "%(minutes)s minute.",
            '%(name)s asks you to complete the free training "%(course)s". It takes about '
            "%(minutes)s minutes.",
            25,
        ) % {"name": organisation.name, "course": hotel_course.title, "minutes": 25}
    assert said in mail.outbox[-1].body
