"""organisations.services.registration: registering, the review, details, the courses that
count, the join link."""

import uuid

import pytest
from allauth.account.models import EmailAddress

from accounts import roles
from organisations import selectors
from organisations.errors import OrganisationError
from organisations.models import (
    CertificationStatusChange,
    Organisation,
)
from organisations.services import registration
from tests.factories import UserFactory, make_course
from tests.organisations.conftest import add_member, certify

pytestmark = pytest.mark.django_db
Status = Organisation.CertificationStatus
Cause = CertificationStatusChange.Cause


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
