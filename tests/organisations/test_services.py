import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone, translation

from accounts import roles
from certificates.models import Certificate
from organisations import selectors
from organisations.errors import Conflict, ImportRejected, OrganisationError
from organisations.models import (
    CertificationStatusChange,
    Invitation,
    Organisation,
    OrganisationCertificate,
    StaffMembership,
)
from organisations.services import certification, notifications, registration, staff, staff_csv
from tests.factories import UserFactory, make_course
from tests.organisations.conftest import add_member, certify, make_organisation

pytestmark = pytest.mark.django_db
Status = Organisation.CertificationStatus
Cause = CertificationStatusChange.Cause


def add_staff(organisation, course, *, passed: int, unfinished: int = 0):
    members = []
    for _ in range(passed):
        membership = add_member(organisation)
        certify(membership.user, course)
        members.append(membership)
    for _ in range(unfinished):
        members.append(add_member(organisation))
    return members


# --- registration and details ----------------------------------------------------------------


def test_register_makes_the_user_a_manager(hotel_course):
    user = UserFactory()
    organisation = registration.organisation_register(
        user=user, name=" Hotel Zee ", municipality="Zandvoort", declared_staff=12
    )
    assert organisation.name == "Hotel Zee"
    assert list(organisation.managers.all()) == [user]
    assert user.groups.filter(name=roles.ORGANISATION_MANAGER).exists()
    assert organisation.certification_status == Status.NOT_CERTIFIED


def test_register_counts_the_hotel_course_by_its_slug_in_any_language():
    course = make_course(title="Hotel")
    course.slug = selectors.HOTEL_COURSE_SLUG
    course.save()
    organisation = registration.organisation_register(
        user=UserFactory(), name="Hotel", municipality="Ede", declared_staff=3
    )
    assert organisation.counting_course_keys == [str(course.translation_key)]


def test_register_needs_a_verified_email_address():
    user = UserFactory(verified=False)
    EmailAddress.objects.filter(user=user).delete()
    with pytest.raises(OrganisationError) as exc:
        registration.organisation_register(user=user, name="Hotel", municipality="Ede")
    assert exc.value.status == 403
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a"])
def test_kvk_number_must_have_eight_digits(manager, kvk):
    with pytest.raises(OrganisationError) as exc:
        registration.organisation_register(
            user=manager, name="H", municipality="Ede", kvk_number=kvk
        )
    assert "kvk_number" in exc.value.details["fields"]


def test_declared_staff_cannot_go_below_current_members(organisation):
    for _ in range(3):
        add_member(organisation)
    with pytest.raises(OrganisationError) as exc:
        registration.organisation_update(organisation=organisation, data={"declared_staff": 2})
    assert exc.value.code == "declared_staff_below_members"
    assert exc.value.details["members"] == 3
    organisation.refresh_from_db()
    assert organisation.declared_staff == 5
    registration.organisation_update(organisation=organisation, data={"declared_staff": 3})
    organisation.refresh_from_db()
    assert organisation.declared_staff == 3


def test_declared_staff_change_enqueues_an_evaluation(
    organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        registration.organisation_update(organisation=organisation, data={"declared_staff": 8})
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        registration.organisation_update(organisation=organisation, data={"name": "Nieuwe naam"})
    assert callbacks == []


def test_unknown_fields_cannot_be_changed(organisation):
    with pytest.raises(OrganisationError):
        registration.organisation_update(organisation=organisation, data={"join_token": "x"})


# --- the 60% rule ----------------------------------------------------------------------------


def test_exactly_sixty_percent_is_certified(organisation, hotel_course):
    add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation, cause=Cause.MEMBER_PASSED)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.CERTIFIED
    certificate = OrganisationCertificate.objects.get(organisation=organisation)
    assert certificate.status == OrganisationCertificate.Status.VALID
    assert certificate.period == 1
    assert (certificate.passed_count, certificate.staff_count) == (3, 5)
    assert certificate.valid_until.year == certificate.awarded_at.year + 1
    change = organisation.status_changes.get()
    assert (change.from_status, change.to_status, change.cause) == (
        Status.NOT_CERTIFIED,
        Status.CERTIFIED,
        Cause.MEMBER_PASSED,
    )


def test_below_sixty_percent_is_not_certified(organisation, hotel_course):
    add_staff(organisation, hotel_course, passed=2, unfinished=3)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.NOT_CERTIFIED
    assert not OrganisationCertificate.objects.exists()
    summary = selectors.certification_summary(organisation=organisation)
    assert (summary.passed, summary.staff_count, summary.needed) == (2, 5, 1)


def test_declared_staff_zero_is_never_certified(manager, hotel_course):
    organisation = make_organisation(manager=manager, course=hotel_course, declared_staff=0)
    add_staff(organisation, hotel_course, passed=2)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.NOT_CERTIFIED
    assert not OrganisationCertificate.objects.exists()


def test_more_members_than_declared_count_the_members(organisation, hotel_course):
    add_staff(organisation, hotel_course, passed=4, unfinished=3)  # 7 joined, 5 declared
    summary = selectors.certification_summary(organisation=organisation)
    assert (summary.staff_count, summary.passed, summary.qualifies) == (7, 4, False)


def test_award_happens_exactly_once(organisation, hotel_course):
    add_staff(organisation, hotel_course, passed=5)
    for _ in range(3):
        certification.organisation_evaluate(organisation=organisation)
    assert OrganisationCertificate.objects.filter(organisation=organisation).count() == 1
    assert organisation.status_changes.count() == 1


def test_only_current_members_with_a_counting_course_count(organisation, hotel_course):
    other_course = make_course(title="Andere module")
    left = add_member(organisation)
    certify(left.user, hotel_course)
    staff.membership_end(membership=left)
    wrong_course = add_member(organisation)
    certify(wrong_course.user, other_course)
    elsewhere = UserFactory()
    certify(elsewhere, hotel_course)
    passed = add_member(organisation)
    certify(passed.user, hotel_course)
    counts = selectors.certification_counts(organisation=organisation)
    assert (counts.members, counts.passed) == (2, 1)


def test_certification_counts_is_one_query(organisation, hotel_course, django_assert_num_queries):
    add_staff(organisation, hotel_course, passed=3, unfinished=2)
    with django_assert_num_queries(1):
        counts = selectors.certification_counts(organisation=organisation)
    assert (counts.members, counts.passed) == (5, 3)


def test_at_risk_then_lapsed_after_the_grace_period(
    organisation, hotel_course, settings, django_capture_on_commit_callbacks
):
    settings.ORGANISATION_GRACE_DAYS = 30
    members = add_staff(organisation, hotel_course, passed=3, unfinished=2)
    start = timezone.now()
    certification.organisation_evaluate(organisation=organisation, now=start)
    mail.outbox.clear()

    staff.membership_end(membership=members[0])
    with django_capture_on_commit_callbacks() as callbacks:
        certification.organisation_evaluate(
            organisation=organisation, cause=Cause.MEMBER_LEFT, now=start + timedelta(days=1)
        )
    assert len(callbacks) == 1  # the managers' e-mail task
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.AT_RISK
    assert OrganisationCertificate.objects.get().status == OrganisationCertificate.Status.VALID

    with django_capture_on_commit_callbacks() as callbacks:
        certification.organisation_evaluate(
            organisation=organisation, now=start + timedelta(days=2)
        )
    assert callbacks == []  # still at risk: no second e-mail
    certification.organisation_evaluate(organisation=organisation, now=start + timedelta(days=30))
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.AT_RISK

    certification.organisation_evaluate(organisation=organisation, now=start + timedelta(days=31))
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.LAPSED
    assert OrganisationCertificate.objects.get().status == OrganisationCertificate.Status.LAPSED
    history = list(organisation.status_changes.order_by("created_at", "pk"))
    assert [(c.to_status, c.cause) for c in history] == [
        (Status.CERTIFIED, Cause.MANUAL),
        (Status.AT_RISK, Cause.MEMBER_LEFT),
        (Status.LAPSED, Cause.GRACE_ENDED),
    ]
    assert history[1].passed_count == 2


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


def test_recovering_while_at_risk_keeps_the_certificate(organisation, hotel_course):
    members = add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation)
    staff.membership_end(membership=members[0])
    certification.organisation_evaluate(organisation=organisation)
    certify(members[-1].user, hotel_course)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.CERTIFIED
    assert organisation.at_risk_since is None
    assert OrganisationCertificate.objects.count() == 1


def test_lapsed_organisation_is_certified_again_with_a_new_period(
    organisation, hotel_course, settings
):
    settings.ORGANISATION_GRACE_DAYS = 0
    members = add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation)
    staff.membership_end(membership=members[0])
    certification.organisation_evaluate(organisation=organisation)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.LAPSED
    certify(members[-1].user, hotel_course)
    certification.organisation_evaluate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.CERTIFIED
    assert list(organisation.certificates.order_by("period").values_list("period", "status")) == [
        (1, OrganisationCertificate.Status.LAPSED),
        (2, OrganisationCertificate.Status.VALID),
    ]


def test_after_twelve_months_a_qualifying_organisation_gets_the_next_certificate(
    organisation, hotel_course
):
    add_staff(organisation, hotel_course, passed=3)
    certification.organisation_evaluate(organisation=organisation)
    first = OrganisationCertificate.objects.get()
    certification.organisation_evaluate(
        organisation=organisation, cause=Cause.SWEEP, now=first.valid_until + timedelta(hours=1)
    )
    first.refresh_from_db()
    assert first.status == OrganisationCertificate.Status.EXPIRED
    second = organisation.certificates.get(status=OrganisationCertificate.Status.VALID)
    assert second.period == 2
    assert organisation.status_changes.first().cause == Cause.PERIOD_ENDED


def test_sweep_evaluates_the_organisations_whose_state_may_change(
    organisation, hotel_course, manager
):
    other = make_organisation(manager=manager, course=hotel_course, name="Hotel Twee")
    add_staff(other, hotel_course, passed=5)
    assert certification.organisations_sweep() == 1  # `organisation` has nobody: nothing to do
    other.refresh_from_db()
    assert other.certification_status == Status.CERTIFIED
    assert not organisation.status_changes.exists()
    assert certification.organisations_sweep() == 0  # settled: a second run changes nothing
    assert other.status_changes.count() == 1


def test_sweep_catches_the_end_of_the_period_and_of_the_grace(organisation, hotel_course, settings):
    settings.ORGANISATION_GRACE_DAYS = 10
    members = add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation)
    first = OrganisationCertificate.objects.get()
    renewed_at = first.valid_until + timedelta(hours=1)
    assert certification.organisations_sweep(now=renewed_at) == 1
    assert organisation.certificates.get(status=OrganisationCertificate.Status.VALID).period == 2
    staff.membership_end(membership=members[0])
    certification.organisation_evaluate(organisation=organisation, now=renewed_at)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.AT_RISK
    assert certification.organisations_sweep(now=renewed_at + timedelta(days=11)) == 1
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.LAPSED
    assert organisation.status_changes.first().cause == Cause.GRACE_ENDED
    assert certification.organisations_sweep(now=renewed_at + timedelta(days=12)) == 0


def test_a_revoked_personal_certificate_puts_the_organisation_at_risk(
    organisation, hotel_course, django_capture_on_commit_callbacks
):
    from certificates import services as certificate_services

    add_staff(organisation, hotel_course, passed=3, unfinished=2)
    certification.organisation_evaluate(organisation=organisation)
    certificate = certify(add_member(organisation).user, hotel_course)
    registration.organisation_update(organisation=organisation, data={"declared_staff": 6})
    certification.organisation_evaluate(organisation=organisation)
    certificate_services.certificate_revoke(
        certificate=certificate, actor=None, reason="issued by mistake"
    )
    certificate_services.certificate_revoke(
        certificate=organisation.memberships.first().user.certificates.get(),
        actor=None,
        reason="issued by mistake",
    )
    certification.organisation_evaluate(organisation=organisation, cause=Cause.CERTIFICATE_CHANGED)
    organisation.refresh_from_db()
    assert organisation.certification_status == Status.AT_RISK
    assert organisation.status_changes.first().cause == Cause.CERTIFICATE_CHANGED


# --- staff ------------------------------------------------------------------------------------


def test_invite_is_idempotent_and_refuses_members(organisation, manager):
    first = staff.staff_invite(
        organisation=organisation, email="Ana@Example.org", role="housekeeping"
    )
    again = staff.staff_invite(organisation=organisation, email="ana@example.org")
    assert first.pk == again.pk
    assert first.email == "ana@example.org"
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
    with pytest.raises(Conflict):
        staff.invitation_accept(invitation=invitation, user=UserFactory())
    assert StaffMembership.objects.filter(organisation=organisation).count() == 1


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


# --- CSV --------------------------------------------------------------------------------------

GOOD_CSV = (
    "name,email,role\n"
    "Ana de Vries,ana@example.org,reception\n"
    "Bo Jansen,BO@example.org,Housekeeping\n"
    "Cem Yilmaz,cem@example.org,\n"
)


def test_import_invites_everyone_and_reimport_creates_no_duplicates(organisation, manager):
    result = staff_csv.members_import(
        organisation=organisation, content=GOOD_CSV.encode(), invited_by=manager
    )
    assert (result.invited, result.already_invited, result.already_member) == (3, 0, 0)
    roles_by_email = dict(organisation.invitations.values_list("email", "role"))
    assert roles_by_email == {
        "ana@example.org": "reception",
        "bo@example.org": "housekeeping",
        "cem@example.org": "other",
    }
    staff.invitation_accept(
        invitation=organisation.invitations.get(email="ana@example.org"),
        user=UserFactory(email="ana@example.org"),
    )
    again = staff_csv.members_import(
        organisation=organisation, content=GOOD_CSV, invited_by=manager
    )
    assert (again.invited, again.already_invited, again.already_member) == (0, 2, 1)
    assert Invitation.objects.filter(organisation=organisation).count() == 3


def test_import_understands_dutch_headers_and_semicolons(organisation, manager):
    content = "\ufeffNaam;E-mail;Rol\nAna;ana@example.org;receptie\n".encode()
    result = staff_csv.members_import(
        organisation=organisation, content=content, invited_by=manager
    )
    assert result.invited == 1
    assert organisation.invitations.get().role == "reception"


def test_one_bad_row_rejects_the_whole_file_with_a_row_report(organisation, manager):
    content = (
        "name,email,role\n"
        "Ana,ana@example.org,reception\n"
        "Bo,not-an-email,reception\n"
        "Cem,cem@example.org,boss\n"
        "Dirk,ana@example.org,other\n"
    )
    with pytest.raises(ImportRejected) as exc:
        staff_csv.members_import(organisation=organisation, content=content, invited_by=manager)
    assert [row["line"] for row in exc.value.errors] == [3, 4, 5]
    assert "boss" in exc.value.errors[1]["errors"][0]
    assert "2" in exc.value.errors[2]["errors"][0]  # duplicate of line 2
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe\x00garbage", b"naam\nAna\n", b"name,email,role\n"],
)
def test_unreadable_files_are_rejected(organisation, manager, content):
    with pytest.raises(ImportRejected):
        staff_csv.members_import(organisation=organisation, content=content, invited_by=manager)
    assert not Invitation.objects.exists()


def test_export_neutralises_formulas(organisation):
    for name in ('=HYPERLINK("http://x")', "+31 6", "-1", "@SUM(A1)", "Gewone Naam"):
        add_member(organisation, user=UserFactory(full_name=name))
    with translation.override("en"):
        exported = staff_csv.members_export_csv(organisation=organisation)
    lines = exported.splitlines()
    # the import's columns (so the file can be imported again), then the date and the status
    assert lines[0] == "name,e-mail address,role,language,joined on,training"
    names = sorted(line.split(",")[0] for line in lines[1:])
    assert "'+31 6" in names and "'-1" in names and "'@SUM(A1)" in names
    assert "Gewone Naam" in names
    assert any(n.startswith("\"'=HYPERLINK") for n in names)
    assert not any(n[:1] in "=+-@" for n in names)


def test_the_spreadsheet_guard_prefixes_formula_text_and_leaves_other_values():
    """One guard for the staff export and reporting's CSV and XLSX: only text is changed, so
    numbers, dates and empty cells stay typed in a workbook."""
    from accounts.spreadsheets import spreadsheet_safe

    for text in ("=1+1", "+31 6", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("Gewone Naam") == "Gewone Naam"
    for value in (-1, Decimal("-2.5"), date(2026, 1, 1), None, True):
        assert spreadsheet_safe(value) == value
    assert staff_csv.csv_cell(None) == "" and staff_csv.csv_cell(-1) == "'-1"


# --- reminders --------------------------------------------------------------------------------


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


def test_personal_data_export_lists_memberships_and_managed_organisations(organisation, manager):
    from accounts.personal_data import exporters

    member = add_member(organisation)
    export = exporters()["organisations"]
    assert [m["organisation"] for m in export(member.user)["memberships"]] == [organisation.name]
    assert export(manager)["manages"] == [organisation.name]


def test_programme_chooses_the_courses_that_count(
    organisation, hotel_course, django_capture_on_commit_callbacks
):
    other = make_course(title="Vakantieparkpersoneel")
    certify(add_member(organisation).user, hotel_course)
    assert selectors.certification_counts(organisation=organisation).passed == 1

    with django_capture_on_commit_callbacks() as callbacks:
        registration.counting_courses_set(
            organisation=organisation, course_keys=[str(other.translation_key)] * 2
        )
    assert len(callbacks) == 1  # evaluated again
    organisation.refresh_from_db()
    assert organisation.counting_course_keys == [str(other.translation_key)]
    assert selectors.certification_counts(organisation=organisation).passed == 0

    with django_capture_on_commit_callbacks() as callbacks:
        registration.counting_courses_set(
            organisation=organisation, course_keys=[other.translation_key]
        )
    assert callbacks == []  # nothing changed


@pytest.mark.parametrize(
    ("keys", "code"),
    [([], "no_course"), (["nonsense"], "invalid_course"), ([str(uuid.uuid4())], "invalid_course")],
)
def test_counting_courses_must_be_published_courses(organisation, hotel_course, keys, code):
    with pytest.raises(OrganisationError) as raised:
        registration.counting_courses_set(organisation=organisation, course_keys=keys)
    assert raised.value.code == code
    organisation.refresh_from_db()
    assert organisation.counting_course_keys == [str(hotel_course.translation_key)]


def test_a_new_join_link_replaces_the_old_one(organisation):
    member = add_member(organisation)
    old = organisation.join_token
    registration.join_link_rotate(organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.join_token != old and len(organisation.join_token) >= 40
    assert not Organisation.objects.filter(join_token=old).exists()
    assert selectors.current_memberships(organisation=organisation).get() == member


# --- Languages, joining through sign-up, approval (ADR 0016) -----------------------------------


def test_the_invitation_email_is_in_the_invitation_language(organisation, mailoutbox):
    for email, language in (("ana@example.org", "nl"), ("sam@example.org", "en")):
        invitation = staff.staff_invite(organisation=organisation, email=email, language=language)
        staff.invitation_email_send(invitation=invitation)
    dutch, english = mailoutbox[-2], mailoutbox[-1]
    assert "invites you to take the free training" in english.body
    assert "invites you to take the free training" not in dutch.body
    assert "/en/organisaties/uitnodiging/" in english.body
    assert "/en/" not in dutch.body


def test_an_invitation_in_an_unknown_language_is_refused(organisation):
    with pytest.raises(OrganisationError) as error:
        staff.staff_invite(organisation=organisation, email="a@example.org", language="xx")
    assert error.value.code == "invalid_language"
    assert not Invitation.objects.exists()


def test_import_accepts_role_names_and_headers_in_every_language(organisation, manager):
    content = (
        "imię i nazwisko;adres e-mail;stanowisko;język\n"
        "Ola;ola@example.org;sprzątanie;pl\n"
        "Maria;maria@example.org;limpieza;Español\n"
        "Sam;sam@example.org;housekeeping;\n"
    )
    result = staff_csv.members_import(
        organisation=organisation, content=content, invited_by=manager, default_language="en"
    )
    assert result.invited == 3
    rows = {i.email: (i.role, i.language) for i in Invitation.objects.all()}
    assert rows == {
        "ola@example.org": ("housekeeping", "pl"),
        "maria@example.org": ("housekeeping", "es"),
        "sam@example.org": ("housekeeping", "en"),
    }


def test_import_reports_an_unknown_language(organisation, manager):
    with pytest.raises(ImportRejected) as error:
        staff_csv.members_import(
            organisation=organisation,
            content="name,email,role,language\nAna,ana@example.org,reception,klingon\n",
            invited_by=manager,
        )
    assert error.value.errors[0]["line"] == 2
    assert not Invitation.objects.exists()


def test_the_template_and_the_export_share_headers_and_import_again(organisation, manager):
    add_member(organisation, user=UserFactory(full_name="Ana", email="ana@example.org"))
    with translation.override("en"):
        template = staff_csv.members_csv_template()
        exported = staff_csv.members_export_csv(organisation=organisation)
    assert exported.splitlines()[0].startswith(template.splitlines()[0])
    # the template's role rows have no person in them: importing it alone invites nobody
    with pytest.raises(ImportRejected):
        staff_csv.members_import(organisation=organisation, content=template, invited_by=manager)
    other = make_organisation(manager=manager, course=None, name="Hotel Twee")
    result = staff_csv.members_import(organisation=other, content=exported, invited_by=manager)
    assert result.invited == 1


def test_approval_needs_a_checked_8_digit_kvk_number_and_rejection_a_reason(organisation):
    reviewer = UserFactory()
    for kvk, checked, code in (("", True, "kvk_missing"), ("12345678", False, "kvk_not_checked")):
        organisation.kvk_number = kvk
        organisation.save(update_fields=["kvk_number"])
        with pytest.raises(OrganisationError) as error:
            registration.organisation_registration_review(
                organisation=organisation, reviewer=reviewer, approve=True, kvk_checked=checked
            )
        assert error.value.code == code
    with pytest.raises(OrganisationError):
        registration.organisation_registration_review(
            organisation=organisation, reviewer=reviewer, approve=False, kvk_checked=False
        )
    rejected = registration.organisation_registration_review(
        organisation=organisation,
        reviewer=reviewer,
        approve=False,
        kvk_checked=False,
        note="KvK number belongs to another company",
    )
    assert rejected.registration_status == Organisation.RegistrationStatus.REJECTED
    approved = registration.organisation_registration_review(
        organisation=organisation, reviewer=reviewer, approve=True, kvk_checked=True
    )
    assert approved.registration_status == Organisation.RegistrationStatus.APPROVED
    assert approved.registration_reviewed_by == reviewer


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


def test_a_manager_sees_certificates_for_counting_courses_only(organisation, hotel_course, manager):
    other_course = make_course(title="BUIT voor professionals")
    member = add_member(organisation)
    counting = certify(member.user, hotel_course)
    unrelated = certify(member.user, other_course)
    assert selectors.manager_may_view_certificate(manager, counting)
    assert not selectors.manager_may_view_certificate(manager, unrelated)


@pytest.mark.django_db
def test_a_certificate_wants_the_evaluation_of_its_holders_organisations(
    organisation, hotel_course
):
    """The chain pass → certificate → organisation: the certificate's "issued" writes the
    evaluation to the outbox in the same transaction; a pass alone does not."""
    from outbox.models import OutboxMessage
    from outbox.services import outbox_message_run

    member = add_member(organisation).user
    evaluations = OutboxMessage.objects.filter(kind=certification.EVALUATION_WANTED).about(
        "organisation_id", organisation.pk
    )
    before = evaluations.count()  # the member joining wants one too
    certify(member, hotel_course)
    assert evaluations.count() == before + 1
    for message in evaluations.filter(done_at__isnull=True):
        outbox_message_run(message_id=message.pk)
    organisation.refresh_from_db()
    assert organisation.last_evaluated_at is not None


@pytest.mark.django_db
def test_reconcile_evaluates_organisations_not_evaluated_since_a_certificate(
    organisation, hotel_course
):
    from outbox.models import OutboxMessage

    member = add_member(organisation).user
    certify(member, hotel_course)
    # the evaluation work was lost (e.g. rows from before the outbox): nothing waits
    OutboxMessage.objects.all().delete()
    assert certification.organisations_reconcile() == 1
    assert certification.organisations_reconcile() == 0  # it waits now: not written twice
    waiting = OutboxMessage.objects.get(kind=certification.EVALUATION_WANTED, done_at__isnull=True)
    from outbox.services import outbox_message_run

    outbox_message_run(message_id=waiting.pk)
    assert certification.organisations_reconcile() == 0  # evaluated after the certificate
