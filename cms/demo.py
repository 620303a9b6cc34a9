"""Demo accounts, one per role, for `make run`. Idempotent."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles, two_factor
from accounts.models import CoordinatorScope, Region, Sector

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - documented demo credential, dev only
#: The authenticator-app (TOTP) secret of every demo account whose role needs a second factor,
#: published like the password so the staff areas can be tried (ADR 0022); dev only.
DEMO_TOTP_SECRET = "THVTHPF5OU4TUIYOHTHUUJ2MK4AQTTAV"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    sector: str | None = None
    region: str | None = None


DEMO_ORGANISER_EMAIL = "organisator@example.org"
DEMO_TRAINER_EMAIL = "trainer@example.org"
DEMO_COORDINATOR_EMAIL = "regio@example.org"

DEMO_ACCOUNTS = [
    DemoAccount(
        "deelnemer@example.org", "Demi de Deelnemer", roles.LEARNER, "onderwijs", "utrecht"
    ),
    DemoAccount(
        "manager@example.org",
        "Mo Manager",
        roles.ORGANISATION_MANAGER,
        "hotel",
        "amsterdam-amstelland",
    ),
    DemoAccount("redacteur@example.org", "Ruth Redacteur", roles.COURSE_EDITOR),
    DemoAccount("review@example.org", "Rik Reviewer", roles.COURSE_REVIEWER),
    DemoAccount("programma@example.org", "Pim Programma", roles.PROGRAMME_STAFF),
    DemoAccount("beheer@example.org", "Bea Beheer", roles.SITE_ADMIN),
    DemoAccount(DEMO_ORGANISER_EMAIL, "Olga Organisator", roles.TRAINING_ORGANISER),
    DemoAccount(DEMO_TRAINER_EMAIL, "Teun Trainer", roles.TRAINER, "politie", "rotterdam-rijnmond"),
    DemoAccount(
        DEMO_COORDINATOR_EMAIL, "Rosa Regio", roles.REGIONAL_COORDINATOR, "gemeente", "utrecht"
    ),
]
#: the regions the demo regional coordinator covers (ADR 0023)
DEMO_COORDINATOR_REGIONS = ["utrecht"]


def ensure_demo_accounts() -> list[DemoAccount]:
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email,
                password=DEMO_PASSWORD,
                full_name=account.full_name,
                sector=Sector.objects.filter(slug=account.sector).first(),
                region=Region.objects.filter(slug=account.region).first(),
                is_staff=account.role == roles.SITE_ADMIN,
                is_superuser=account.role == roles.SITE_ADMIN,
            )
        user.groups.add(Group.objects.get(name=account.role))
        EmailAddress.objects.get_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if account.role in two_factor.ROLES_WITH_A_FACTOR:
            Authenticator.objects.get_or_create(
                user=user,
                type=Authenticator.Type.TOTP,
                defaults={"data": {"secret": get_mfa_adapter().encrypt(DEMO_TOTP_SECRET)}},
            )
        if account.role == roles.REGIONAL_COORDINATOR:
            scope, _created = CoordinatorScope.objects.get_or_create(user=user)
            scope.regions.add(*Region.objects.filter(slug__in=DEMO_COORDINATOR_REGIONS))
    return DEMO_ACCOUNTS


def demo_totp_uri() -> str:
    """The otpauth:// address of the demo secret (an authenticator app reads it)."""
    from urllib.parse import quote

    return (
        f"otpauth://totp/{quote('Samen tegen mensenhandel demo')}?secret={DEMO_TOTP_SECRET}"
        f"&issuer={quote('Samen tegen mensenhandel')}"
    )
