"""`seed_demo` is idempotent and refuses to run where demo data is not allowed."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import GroupPagePermission, Page, Revision

from organisations.models import Organisation, StaffMembership
from reporting.models import Target
from reporting.selectors import report_scope

pytestmark = pytest.mark.django_db


def state():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        sorted(get_user_model().objects.values_list("email", "password")),
        sorted(Group.objects.values_list("name", flat=True)),
        GroupPagePermission.objects.count(),
        sorted(Organisation.objects.values_list("name", "declared_staff")),
        StaffMembership.objects.count(),
        sorted(Target.objects.values_list("code", "target_number")),
        Authenticator.objects.count(),
    )


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_twice_changes_nothing():
    output = seed()
    assert "http://127.0.0.1:8000/" in output
    assert get_user_model().objects.filter(email__endswith="@example.org").count() >= 4
    assert Organisation.objects.filter(managers__email="manager@example.org").exists()
    assert Target.objects.count() >= 6
    assert not Target.objects.filter(courses__isnull=True, unit="people_passed").exists()
    # the demo regional coordinator reads the figures of a seeded region (ADR 0023)
    coordinator = get_user_model().objects.get(email="regio@example.org")
    scope = report_scope(user=coordinator)
    assert scope is not None and [r.slug for r in scope.regions or ()] == ["utrecht"]
    before = state()
    seed()
    assert state() == before


def test_demo_staff_accounts_have_the_published_authenticator_secret(client):
    """Every staff area needs a second factor (ADR 0022): the demo's staff accounts have an
    authenticator app with the secret the output and the README publish, so a newcomer signs
    in with password and code and reaches the manager and programme areas."""
    import pyotp

    from cms.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    output = seed()
    assert DEMO_TOTP_SECRET in output
    User = get_user_model()
    learner = User.objects.get(email="deelnemer@example.org")
    assert not Authenticator.objects.filter(user=learner).exists()
    for email, page in (
        ("manager@example.org", "/organisaties/"),
        ("programma@example.org", "/programma/"),
    ):
        client.logout()
        response = client.post("/account/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response["Location"] == "/account/2fa/authenticate/"
        response = client.post(
            "/account/2fa/authenticate/", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()}
        )
        assert response.status_code == 302
        assert client.get(page).status_code == 200


def test_seed_demo_is_refused_without_permission(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()
