"""Demo data for `make run`: a hotel managed by the demo manager, with two staff members who
have not taken the training yet. Idempotent; seed_demo calls it after the demo accounts and the
courses exist: `demo_organisation_ensure(staff_password=DEMO_PASSWORD)`."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Region

from .models import Organisation, StaffMembership
from .selectors import current_memberships, default_counting_course_keys
from .services.registration import organisation_register
from .services.staff import organisation_join

DEMO_MANAGER_EMAIL = "manager@example.org"
DEMO_HOTEL_NAME = "Hotel De Gracht (demo)"
#: (e-mail, name, role) of the demo staff; they log in with the demo password.
DEMO_STAFF = [
    ("receptie@example.org", "Rosa Receptie", StaffMembership.Role.RECEPTION),
    ("huishouding@example.org", "Hamid Huishouding", StaffMembership.Role.HOUSEKEEPING),
]


def _demo_staff_user(email: str, full_name: str, password: str | None):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def demo_organisation_ensure(*, staff_password: str | None = None) -> Organisation | None:
    """The demo hotel (5 staff declared, in the public list once certified) and its two demo
    staff members. None when the demo manager account does not exist yet."""
    manager = get_user_model().objects.filter(email=DEMO_MANAGER_EMAIL).first()
    if manager is None:
        return None
    organisation = Organisation.objects.filter(name=DEMO_HOTEL_NAME, managers=manager).first()
    if organisation is None:
        organisation = organisation_register(
            user=manager,
            name=DEMO_HOTEL_NAME,
            kind=Organisation.Kind.HOTEL,
            address="Herengracht 1",
            municipality="Amsterdam",
            region=Region.objects.filter(slug="amsterdam-amstelland").first(),
            kvk_number="12345678",
            declared_staff=5,
            public_listing=True,
        )
    elif not organisation.counting_course_keys:
        # the courses may have been loaded after the hotel was first created
        organisation.counting_course_keys = [str(k) for k in default_counting_course_keys()]
        organisation.save(update_fields=["counting_course_keys"])
    for email, full_name, role in DEMO_STAFF:
        user = _demo_staff_user(email, full_name, staff_password)
        if not current_memberships(organisation=organisation).filter(user=user).exists():
            organisation_join(organisation=organisation, user=user, role=role)
    return organisation
