"""organisations.services.staff: memberships, invitations, co-managers, joins after sign-up."""

import pytest
from django.core import mail
from django.utils import translation

from accounts.errors import Conflict, Forbidden
from certificates.models import Certificate
from organisations import selectors
from organisations.errors import OrganisationError
from organisations.models import (
    CertificationStatusChange,
    Invitation,
    Organisation,
    StaffMembership,
)
from organisations.services import staff
from tests.factories import UserFactory
from tests.organisations.conftest import add_member, certify

pytestmark = pytest.mark.django_db
Status = Organisation.CertificationStatus
Cause = CertificationStatusChange.Cause


def test_invite_refuses_an_open_invitation_members_and_bad_input(organisation, manager):
    first = staff.staff_invite(
        organisation=organisation, email="Ana@Example.org", role="housekeeping"
    )
    assert first.email == "ana@example.org"
    with pytest.raises(Conflict) as refused, translation.override("en"):
        staff.staff_invite(organisation=organisation, email="ANA@example.org", role="technical")
    assert refused.value.code == "already_invited"
    assert "ana@example.org already has an open invitation (sent " in refused.value.message
    assert Invitation.objects.get().role == "housekeeping"  # one invitation, nothing changed
    member = add_member(organisation)
    with pytest.raises(Conflict):
        staff.staff_invite(organisation=organisation, email=member.user.email.upper())
    with pytest.raises(OrganisationError):
        staff.staff_invite(organisation=organisation, email="not an address")
    with pytest.raises(OrganisationError):
        staff.staff_invite(organisation=organisation, email="x@example.org", role="boss")


def test_invitation_email_has_the_accept_link(organisation):
    invitation = staff.staff_invite(organisation=organisation, email="ana@example.org")
    staff.invitation_email_send(invitation=invitation)
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    assert organisation.name in mail.outbox[0].subject
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_invitation_accept_creates_one_membership(organisation):
    invitation = staff.staff_invite(
        organisation=organisation, email="ana@example.org", role="technical"
    )
    user = UserFactory(email="ana@example.org")
    membership = staff.invitation_accept(invitation=invitation, user=user)
    assert membership.role == "technical"
    assert staff.invitation_accept(invitation=invitation, user=user).pk == membership.pk
    with pytest.raises(Forbidden):
        staff.invitation_accept(invitation=invitation, user=UserFactory())
    assert StaffMembership.objects.filter(organisation=organisation).count() == 1


def test_only_the_invited_verified_address_accepts_a_personal_invitation(organisation, manager):
    invitation = staff.staff_invite(
        organisation=organisation, email="ana@example.org", role="technical"
    )
    for someone_else in (manager, UserFactory()):
        with pytest.raises(Forbidden) as refused:
            staff.invitation_accept(invitation=invitation, user=someone_else)
        assert refused.value.code == "wrong_account"
    unverified = UserFactory(email="ana@example.org", verified=False)
    with pytest.raises(Forbidden) as refused:
        staff.invitation_accept(invitation=invitation, user=unverified)
    assert refused.value.code == "email_unverified"
    invitation.refresh_from_db()
    assert not invitation.accepted
    assert not StaffMembership.objects.filter(organisation=organisation).exists()
    # the address in another case is the same address
    unverified.delete()
    ana = UserFactory(email="Ana@Example.ORG")
    assert staff.invitation_accept(invitation=invitation, user=ana).role == "technical"


def test_a_join_intent_for_someone_elses_invitation_does_not_join(organisation):
    user = UserFactory(email="other@example.org")
    invitation = staff.staff_invite(organisation=organisation, email="ana@example.org")
    staff.join_intent_record(user=user, organisation=organisation, invitation=invitation)
    assert staff.join_intents_complete(user=user) is None
    assert not StaffMembership.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert not invitation.accepted


def test_joining_twice_is_one_membership_and_rejoining_after_leaving_is_new(organisation):
    user = UserFactory()
    first = staff.organisation_join(organisation=organisation, user=user, role="reception")
    assert staff.organisation_join(organisation=organisation, user=user).pk == first.pk
    staff.membership_end(membership=first)
    second = staff.organisation_join(organisation=organisation, user=user)
    assert second.pk != first.pk
    assert selectors.current_memberships(organisation=organisation).count() == 1


def test_member_statuses(organisation, hotel_course):
    from lms import services as lms_services

    not_started = add_member(organisation)
    in_progress = add_member(organisation)
    lms_services.enrolment_create(user=in_progress.user, course=hotel_course)
    passed = add_member(organisation)
    certify(passed.user, hotel_course)
    revoked = add_member(organisation)
    certify(revoked.user, hotel_course, valid=False)
    expired = add_member(organisation)
    certificate = certify(expired.user, hotel_course)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.EXPIRED)
    statuses = {
        m.pk: m.member_status for m in selectors.organisation_members(organisation=organisation)
    }
    assert statuses == {
        not_started.pk: "not_started",
        in_progress.pk: "in_progress",
        passed.pk: "passed",
        revoked.pk: "revoked",  # a revoked certificate is not shown as expired
        expired.pk: "expired",
    }


def test_personal_data_export_lists_memberships_and_managed_organisations(organisation, manager):
    from accounts.personal_data import exporters

    member = add_member(organisation)
    export = exporters()["organisations"]
    assert [m["organisation"] for m in export(member.user)["memberships"]] == [organisation.name]
    assert export(manager)["manages"] == [organisation.name]


def test_the_invitation_email_is_in_the_invitation_language(organisation, mailoutbox):
    for email, language in (("ana@example.org", "nl"), ("sam@example.org", "en")):
        invitation = staff.staff_invite(organisation=organisation, email=email, language=language)
        staff.invitation_email_send(invitation=invitation)
    dutch, english = mailoutbox[-2], mailoutbox[-1]
    assert "Accept the invitation (log in or create an account first):" in english.body
    assert "Accept the invitation (log in or create an account first):" not in dutch.body
    assert "/en/organisaties/uitnodiging/" in english.body
    assert "/en/" not in dutch.body


def test_an_invitation_in_an_unknown_language_is_refused(organisation):
    with pytest.raises(OrganisationError) as error:
        staff.staff_invite(organisation=organisation, email="a@example.org", language="xx")
    assert error.value.code == "invalid_language"
    assert not Invitation.objects.exists()


def test_join_intents_complete_on_confirmation_and_lead_to_the_course(organisation, hotel_course):
    from organisations.models import JoinIntent
    from tests.organisations.conftest import translate_course

    polish = translate_course(hotel_course, "pl")
    user = UserFactory()
    invitation = staff.staff_invite(
        organisation=organisation, email=user.email, role="technical", language="pl"
    )
    staff.join_intent_record(
        user=user, organisation=organisation, invitation=invitation, language="pl"
    )
    assert selectors.join_destination(user) is None  # nothing completed yet
    intent = staff.join_intents_complete(user=user)
    assert intent is not None
    membership = StaffMembership.objects.get(user=user)
    assert membership.role == "technical"
    invitation.refresh_from_db()
    assert invitation.accepted and invitation.accepted_by == user
    assert selectors.join_destination(user) == polish.url
    # completing again changes nothing
    assert staff.join_intents_complete(user=user) is None
    assert JoinIntent.objects.filter(user=user, completed_at__isnull=True).count() == 0


def _run_invitation_mail() -> None:
    """Run the waiting invitation e-mails in-process, as the worker would."""
    from outbox.models import OutboxMessage
    from outbox.services import outbox_message_run

    for message in OutboxMessage.objects.filter(
        kind__in=[staff.INVITATION_WANTED, staff.INVITATION_RESEND_WANTED], done_at__isnull=True
    ):
        outbox_message_run(message_id=message.pk)


def test_resending_an_invitation_sends_the_same_link_again_at_most_every_few_minutes(
    organisation, mailoutbox
):
    from datetime import timedelta

    from django.utils import timezone

    invitation = staff.staff_invite(organisation=organisation, email="ana@example.org")
    _run_invitation_mail()
    assert len(mailoutbox) == 1
    with pytest.raises(Conflict) as refused:  # just sent
        staff.invitation_resend(invitation=invitation)
    assert refused.value.code == "resent_recently"
    later = timezone.now() + staff.RESEND_INTERVAL + timedelta(seconds=1)
    staff.invitation_resend(invitation=invitation, now=later)
    with pytest.raises(Conflict):  # a double click, before or after the mail went
        staff.invitation_resend(invitation=invitation, now=later + timedelta(seconds=30))
    _run_invitation_mail()
    _run_invitation_mail()  # a repeated run sends nothing more
    assert len(mailoutbox) == 2  # sent once again, not twice
    assert invitation.token in mailoutbox[-1].body
    staff.invitation_accept(invitation=invitation, user=UserFactory(email="ana@example.org"))
    with pytest.raises(Conflict) as refused:
        staff.invitation_resend(invitation=invitation, now=later + staff.RESEND_INTERVAL * 2)
    assert refused.value.code == "invitation_closed"


def test_a_withdrawn_invitation_is_gone_and_the_address_can_be_invited_again(organisation):
    invitation = staff.staff_invite(organisation=organisation, email="ana@example.org")
    staff.invitation_withdraw(invitation=invitation)
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    staff.invitation_withdraw(invitation=invitation)  # twice is harmless
    again = staff.staff_invite(organisation=organisation, email="ana@example.org")
    staff.invitation_accept(invitation=again, user=UserFactory(email="ana@example.org"))
    with pytest.raises(Conflict):
        staff.invitation_withdraw(invitation=again)


def test_the_invitation_email_names_the_course_version_in_its_language(
    organisation, hotel_course, mailoutbox
):
    from courses.models import CoursePage
    from tests.organisations.conftest import translate_course

    polish = translate_course(hotel_course, "pl")
    CoursePage.objects.filter(pk=polish.pk).update(title="Personel hotelowy: rozpoznaj wyzysk")
    CoursePage.objects.filter(pk=hotel_course.pk).update(estimated_minutes=25)
    for email, language in (("ola@example.org", "pl"), ("sam@example.org", "en")):
        invitation = staff.staff_invite(organisation=organisation, email=email, language=language)
        staff.invitation_email_send(invitation=invitation)
    polish_mail, english_mail = mailoutbox[-2], mailoutbox[-1]
    assert "Personel hotelowy: rozpoznaj wyzysk" in polish_mail.body
    # no English version: the Dutch one the link leads to, by its own title and length
    assert f'"{hotel_course.title}"' in english_mail.body
    assert "about 25 minutes" in english_mail.body
    assert "Recognising sexual exploitation" not in english_mail.body
