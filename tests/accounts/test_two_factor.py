"""A second factor before every staff area (accounts.two_factor, ADR 0022): per role and area,
allowed with a factor, sent to set one up without (and back afterwards), the usual 403/404
without a role there; the API's JSON 403."""

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from accounts import roles, two_factor
from accounts.services import access_token_create
from organisations.services import registration
from tests.factories import PASSWORD, UserFactory, give_second_factor
from tests.trainings.conftest import make_session

pytestmark = pytest.mark.django_db


def _sent_to_setup(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("mfa_activate_totp")
    )


@pytest.fixture
def hotel(db):
    manager = UserFactory(role=roles.ORGANISATION_MANAGER, second_factor=False)
    return registration.organisation_register(
        user=manager, name="Hotel Noord", municipality="Utrecht", declared_staff=5
    )


@pytest.fixture
def training_session(db):
    return make_session()


def _programme_page(_context) -> str:
    return reverse("reporting:dashboard")


def _organisation_page(context) -> str:
    return reverse("organisations:dashboard", args=[context["hotel"].pk])


def _attendance_page(context) -> str:
    return reverse("trainings:attendance", args=[context["session"].public_id])


def _format_results_page(context) -> str:
    return reverse(
        "trainings:format_evaluation_results", args=[context["session"].training_format_id]
    )


def _certificate_admin_page(_context) -> str:
    return reverse("certificates_admin")


def _stuck_work_page(_context) -> str:
    return reverse("outbox_stuck")


def _manager_of_hotel(context, *, second_factor: bool):
    manager = context["hotel"].managers.get()
    return give_second_factor(manager) if second_factor else manager


def _role(role):
    def make(_context, *, second_factor: bool):
        return UserFactory(role=role, second_factor=second_factor)

    return make


def _trainer_of_session(context, *, second_factor: bool):
    trainer = UserFactory(second_factor=second_factor)  # a trainer by the session, no group
    context["session"].trainers.add(trainer)
    return trainer


def _organiser_of_format(context, *, second_factor: bool):
    organiser = UserFactory(second_factor=second_factor)
    context["session"].training_format.organisers.add(organiser)
    return organiser


#: (area, page, who works there): each allowed with a factor and sent to set-up without.
ROLE_AREA_CASES = [
    ("programme", _programme_page, _role(roles.PROGRAMME_STAFF)),
    ("programme", _programme_page, _role(roles.SITE_ADMIN)),
    ("organisations", _organisation_page, _manager_of_hotel),
    ("organisations", _organisation_page, _role(roles.PROGRAMME_STAFF)),
    ("trainings", _attendance_page, _trainer_of_session),
    ("trainings", _attendance_page, _organiser_of_format),
    ("trainings", _format_results_page, _organiser_of_format),
    ("trainings", _attendance_page, _role(roles.PROGRAMME_STAFF)),
    ("certificates", _certificate_admin_page, _role(roles.PROGRAMME_STAFF)),
    ("certificates", _stuck_work_page, _role(roles.PROGRAMME_STAFF)),
]
CASE_IDS = [
    f"{area}-{page.__name__.strip('_')}-{getattr(who, '__name__', 'role').strip('_')}-{n}"
    for n, (area, page, who) in enumerate(ROLE_AREA_CASES)
]


@pytest.fixture
def context(hotel, training_session):
    from cms.roles import ensure_roles

    ensure_roles()  # the permissions of every role, the stuck-work page's included
    return {"hotel": hotel, "session": training_session}


@pytest.mark.parametrize(("area", "page", "who"), ROLE_AREA_CASES, ids=CASE_IDS)
def test_with_a_factor_the_page_answers(client, context, area, page, who):
    client.force_login(who(context, second_factor=True))
    assert client.get(page(context)).status_code == 200


@pytest.mark.parametrize(("area", "page", "who"), ROLE_AREA_CASES, ids=CASE_IDS)
def test_without_a_factor_they_are_sent_to_set_one_up(client, context, area, page, who):
    person = who(context, second_factor=False)
    client.force_login(person)
    url = page(context)
    response = client.get(url)
    assert _sent_to_setup(response)
    assert client.session[two_factor.NEXT_SESSION_KEY] == url
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["warning"]
    # and the factor is what lets them in
    give_second_factor(person)
    assert client.get(url).status_code == 200


def test_a_regional_coordinator_needs_a_factor_for_the_programme_area(client):
    coordinator = UserFactory(role=roles.REGIONAL_COORDINATOR, second_factor=False)
    client.force_login(coordinator)
    assert _sent_to_setup(client.get(reverse("reporting:dashboard")))
    give_second_factor(coordinator)
    assert not _sent_to_setup(client.get(reverse("reporting:dashboard")))


def test_a_posted_form_in_an_area_is_refused_too(client, context):
    manager = _manager_of_hotel(context, second_factor=False)
    client.force_login(manager)
    response = client.post(
        reverse("organisations:invite", args=[context["hotel"].pk]),
        {"email": "new@example.org", "language": "nl"},
    )
    assert _sent_to_setup(response)
    assert two_factor.NEXT_SESSION_KEY not in client.session  # only a page is come back to
    assert not context["hotel"].invitations.exists()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (_programme_page, 403),
        (_organisation_page, 404),
        (_attendance_page, 404),
        (_format_results_page, 404),
        (_certificate_admin_page, 403),
        (_stuck_work_page, 403),
    ],
)
@pytest.mark.parametrize("role", [roles.LEARNER, roles.COURSE_EDITOR])
def test_without_a_role_there_the_answer_stays_403_or_404(client, context, page, expected, role):
    """No prompt for a second factor: it would tell them the area exists."""
    client.force_login(UserFactory(role=role, second_factor=False))
    assert client.get(page(context)).status_code == expected


def test_a_manager_keeps_the_404_of_another_organisation_once_they_have_a_factor(client, hotel):
    other = UserFactory(role=roles.ORGANISATION_MANAGER)
    client.force_login(other)
    assert client.get(reverse("organisations:dashboard", args=[hotel.pk])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda c: reverse("organisations:public_list"),
        lambda c: reverse("organisations:join", args=[c["hotel"].join_token]),
        lambda c: reverse("organisations:register"),
        lambda c: reverse("trainings:list"),
        lambda c: reverse("trainings:mine"),
        lambda c: reverse("trainings:session", args=[c["session"].public_id]),
        lambda c: reverse("accounts:settings"),
        lambda c: reverse("certificate_list"),
    ],
)
def test_public_and_own_pages_need_no_factor(client, context, url):
    client.force_login(_manager_of_hotel(context, second_factor=False))
    response = client.get(url(context))
    assert response.status_code in (200, 302)
    assert not _sent_to_setup(response)


def test_the_message_and_the_set_up_page_are_in_the_page_language(client):
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF, second_factor=False))
    response = client.get("/en/programma/")
    with translation.override("en"):
        assert response["Location"] == reverse("mfa_activate_totp")
        assert response["Location"].startswith("/en/")
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "This part of the site needs two-factor authentication. Set up an authenticator "
            "app (or a security key) first; then you can continue where you were going."
        ]


def test_after_setting_up_an_authenticator_they_continue_to_the_page(client):
    person = UserFactory(role=roles.PROGRAMME_STAFF, second_factor=False)
    client.force_login(person)
    wanted = reverse("reporting:dashboard") + "?regio=utrecht"
    assert _sent_to_setup(client.get(wanted))
    # allauth asks for the password again before a factor is added
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    setup = client.post(setup.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert setup.request["PATH_INFO"] == reverse("mfa_activate_totp")
    secret = setup.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    # allauth shows the new recovery codes first; the page links back to the wanted page
    codes = client.get(response["Location"])
    assert codes.status_code == 200
    links = re.findall(r'href="([^"]+)"', codes.content.decode())
    assert wanted.replace("&", "&amp;") in links or wanted in links
    assert client.get(wanted).status_code == 200
    assert two_factor.NEXT_SESSION_KEY not in client.session


def test_without_new_recovery_codes_to_show_they_go_straight_back(client):
    """Someone who kept recovery codes from an earlier factor: allauth would show its overview
    after the activation; they go to the page they wanted instead."""
    import secrets

    from allauth.mfa.adapter import get_adapter

    person = UserFactory(role=roles.PROGRAMME_STAFF, second_factor=False)
    Authenticator.objects.create(
        user=person,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": get_adapter().encrypt(secrets.token_hex(40))},
    )
    client.force_login(person)
    wanted = reverse("reporting:dashboard")
    assert _sent_to_setup(client.get(wanted))
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    setup = client.post(setup.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    secret = setup.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_a_security_key_counts_as_a_factor(client):
    person = UserFactory(role=roles.PROGRAMME_STAFF, second_factor=False)
    Authenticator.objects.create(
        user=person,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Sleutel", "credential": {}},
    )
    client.force_login(person)
    assert client.get(reverse("reporting:dashboard")).status_code == 200


def test_security_keys_can_be_added(client):
    """WebAuthn is on: the page to add a key (or passkey) answers after the password check."""
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    response = client.get(reverse("mfa_add_webauthn"), follow=True)
    reauthenticate = response.redirect_chain[-1][0]
    assert reauthenticate.startswith(reverse("account_reauthenticate"))
    response = client.post(reauthenticate, {"password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == reverse("mfa_add_webauthn")
    assert response.status_code == 200
    assert b"creation_options" in response.content


def test_the_switch_turns_it_off(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF, second_factor=False))
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert client.get("/admin/").status_code == 200


# ------------------------------------------------------------------------------------ the API


def _bearer(person) -> dict:
    _token, raw = access_token_create(user=person, name="monitor")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _assert_second_factor_refusal(response):
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "second_factor_required"
    assert "two-factor" in body["detail"]


def _session_results_api(context) -> str:
    return f"/api/v1/trainings/{context['session'].public_id}/evaluation/results"


def _format_results_api(context) -> str:
    key = context["session"].training_format.translation_key
    return f"/api/v1/trainings/formats/{key}/evaluation/results"


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (_role(roles.PROGRAMME_STAFF), lambda c: "/api/v1/reports/targets"),
        (_manager_of_hotel, lambda c: f"/api/v1/organisations/{c['hotel'].pk}"),
        (_role(roles.PROGRAMME_STAFF), lambda c: f"/api/v1/organisations/{c['hotel'].pk}"),
        (
            _trainer_of_session,
            lambda c: f"/api/v1/trainings/{c['session'].public_id}/participants",
        ),
        (_trainer_of_session, _session_results_api),
        (_organiser_of_format, _session_results_api),
        (_role(roles.PROGRAMME_STAFF), _session_results_api),
        (_organiser_of_format, _format_results_api),
        (_role(roles.PROGRAMME_STAFF), _format_results_api),
    ],
    ids=[
        "reports-staff",
        "organisation-manager",
        "organisation-staff",
        "participants-trainer",
        "session-results-trainer",
        "session-results-organiser",
        "session-results-staff",
        "format-results-organiser",
        "format-results-staff",
    ],
)
def test_api_by_token_and_session(client, context, who, url):
    person = who(context, second_factor=False)
    address = url(context)
    headers = _bearer(person)
    _assert_second_factor_refusal(client.get(address, headers={"Accept-Language": "en"}, **headers))
    client.force_login(person)
    _assert_second_factor_refusal(client.get(address, headers={"Accept-Language": "en"}))
    give_second_factor(person)
    assert client.get(address).status_code == 200
    client.logout()
    assert client.get(address, **headers).status_code == 200


def test_a_participant_evaluates_through_the_api_without_a_factor():
    """Only the results are a staff area; a session's own evaluation form is every attendee's."""
    assert two_factor.api_area("trainings/0b8c/evaluation") is None
    assert two_factor.api_area("trainings/0b8c/evaluation/results") is two_factor.TRAINING_STAFF
    assert two_factor.api_area("trainings/formats/0b8c/evaluation/results") is not None


def test_api_without_a_role_there_keeps_its_answers(client, context):
    learner = UserFactory(second_factor=False)
    headers = _bearer(learner)
    response = client.get("/api/v1/reports/targets", **headers)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    response = client.get(f"/api/v1/organisations/{context['hotel'].pk}", **headers)
    assert response.status_code == 404
    # and the learning API needs no factor, also for staff
    staff = UserFactory(role=roles.PROGRAMME_STAFF, second_factor=False)
    assert client.get("/api/v1/me/progress", **_bearer(staff)).status_code == 200


def test_check_deploy_warns_when_the_switch_is_off(settings):
    from django.core import checks

    registered = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert two_factor.check_two_factor_required in registered
    assert two_factor.check_two_factor_required(None) == []
    settings.TWO_FACTOR_REQUIRED = False
    assert [m.id for m in two_factor.check_two_factor_required(None)] == ["accounts.W001"]
