import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import UserFactory
from trainings import services
from trainings.errors import TrainingError
from trainings.models import GroupRequest, Registration

from .conftest import make_format

pytestmark = pytest.mark.django_db


def _request(user, kind, region, size=40):
    return services.group_request_create(
        user=user,
        training_format=kind,
        organisation_name="Jeugdzorg Utrecht",
        group_size=size,
        region=region,
        preferred_dates="dinsdagochtenden in maart",
    )


def test_group_size_must_fit_the_format(user, kind, region):
    for size in (29, 61):
        with pytest.raises(TrainingError) as exc:
            _request(user, kind, region, size=size)
        assert exc.value.code == "group_size"
    assert not GroupRequest.objects.exists()


def test_accepted_request_becomes_a_closed_session_with_an_invitation(user, kind, region):
    organiser = UserFactory(second_factor=True)
    kind.organisers.add(organiser)
    request = _request(user, kind, region)
    starts = timezone.now() + timedelta(days=30)
    accepted = services.group_request_accept(
        request=request, by=organiser, starts_at=starts, venue="Zaal", address="Straat 1, Utrecht"
    )
    session = accepted.session
    assert (session.is_closed, session.is_published, session.capacity) == (True, True, 40)
    assert services.group_request_email_ensure(request_id=request.pk) is True
    assert session.invitation_token in mail.outbox[0].body
    member = UserFactory()
    registration = services.registration_create(
        session=session, user=member, invitation_token=session.invitation_token
    )
    assert registration.status == "registered"
    with pytest.raises(TrainingError) as exc:
        services.group_request_decline(request=request, by=organiser, response="te laat")
    assert exc.value.code == "already_decided"


def test_propose_agree_then_accept(user, kind, region):
    organiser = UserFactory(second_factor=True)
    request = _request(user, kind, region)
    proposed = timezone.now() + timedelta(days=40)
    services.group_request_propose(request=request, by=organiser, starts_at=proposed)
    with pytest.raises(TrainingError):
        services.group_request_agree(request=request, user=organiser)
    agreed = services.group_request_agree(request=request, user=user)
    assert agreed.status == "pending" and agreed.preferred_dates.startswith(
        "Afgesproken"
    )  # Dutch, the default


def test_decline_needs_a_reason(user, kind, region):
    request = _request(user, kind, region)
    with pytest.raises(TrainingError) as exc:
        services.group_request_decline(request=request, by=UserFactory(), response=" ")
    assert exc.value.code == "reason_required"


def test_pages_only_for_requester_and_organiser(user, kind, region):
    organiser = UserFactory(second_factor=True)
    kind.organisers.add(organiser)
    client = Client()
    client.force_login(user)
    answer = client.post(
        reverse("trainings:group_request_new"),
        {
            "training_format": kind.pk,
            "organisation_name": "Jeugdzorg Utrecht",
            "group_size": 10,
            "region": region.pk,
            "preferred_dates": "maart",
        },
    )
    assert answer.status_code == 400
    answer = client.post(
        reverse("trainings:group_request_new"),
        {
            "training_format": kind.pk,
            "organisation_name": "Jeugdzorg Utrecht",
            "group_size": 45,
            "region": region.pk,
            "preferred_dates": "maart",
        },
    )
    request = GroupRequest.objects.get()
    url = reverse("trainings:group_request", args=[request.pk])
    assert answer.status_code == 302
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url).status_code == 404
    # the requester cannot decide their own request
    assert client.post(url, {"action": "decline", "decline-response": "nee"}).status_code == 403
    organiser_client = Client()
    organiser_client.force_login(organiser)
    starts = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    answer = organiser_client.post(
        url,
        {
            "action": "accept",
            "accept-starts_at": starts,
            "accept-venue": "Zaal",
            "accept-address": "Straat 1",
        },
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted" and request.session.capacity == 45
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("nl", ["Accepteren en de bijeenkomst plannen", "Andere datum voorstellen"]),
        ("pl", ["Zaakceptuj i zaplanuj sesję", "Zaproponuj inny termin"]),
    ],
)
def test_organiser_sees_the_three_decisions_in_their_language(
    user, kind, region, language, headings
):
    organiser = UserFactory(second_factor=True)
    kind.organisers.add(organiser)
    request = _request(user, kind, region)
    client = Client()
    client.force_login(organiser)
    with translation.override(language):
        url = reverse("trainings:group_request", args=[request.pk])
    page = client.get(url, headers={"accept-language": language}).content.decode()
    buttons = re.findall(r'<button type="submit" name="action" value="(\w+)" class="([^"]+)"', page)
    assert [action for action, _class in buttons] == ["accept", "propose", "decline"]
    assert "primary-action" in buttons[0][1]
    assert all("secondary-action" in css for _action, css in buttons[1:])
    assert all(heading in page for heading in headings)
    # a refused proposal keeps its own panel's input and error, the others stay empty
    answer = client.post(url, {"action": "propose", "propose-response": "Liever in april"})
    assert answer.status_code == 400
    assert "Liever in april" in answer.content.decode()
    assert answer.content.decode().count("utrecht-form-field--invalid") == 1  # its start time
    request.refresh_from_db()
    assert request.status == "pending"
    # the requester sees no decisions
    requester = Client()
    requester.force_login(user)
    assert 'name="action" value="accept"' not in requester.get(url).content.decode()


def test_accepting_applies_the_sessions_own_checks(user, kind, region):
    organiser = UserFactory(second_factor=True)
    kind.organisers.add(organiser)
    request = _request(user, kind, region)
    with pytest.raises(TrainingError) as exc:
        services.group_request_accept(
            request=request,
            by=organiser,
            starts_at=timezone.now() + timedelta(days=30),
            venue="Zaal",
            address="",
        )
    assert exc.value.code == "invalid_session"
    assert list(exc.value.details["fields"]) == ["address"]
    request.refresh_from_db()
    assert request.status == "pending" and request.session is None


def _accept_page(kind, user, region):
    organiser = UserFactory(second_factor=True)
    kind.organisers.add(organiser)
    request = _request(user, kind, region)
    client = Client()
    client.force_login(organiser)
    return request, client, reverse("trainings:group_request", args=[request.pk])


def test_accept_form_shows_the_sessions_errors_and_offers_trainers_only(
    user, kind, region, trainer
):
    learner = UserFactory(full_name="Lotte Leerling")
    request, client, url = _accept_page(kind, user, region)
    page = client.get(url).content.decode()
    assert "Tamara Trainer" in page and "Lotte Leerling" not in page
    starts = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    data = {"action": "accept", "accept-starts_at": starts, "accept-venue": "Zaal"}
    answer = client.post(url, data)
    assert answer.status_code == 400
    assert 'id="id_accept-address_error"' in answer.content.decode()  # at the field
    request.refresh_from_db()
    assert request.status == "pending"
    answer = client.post(
        url, {**data, "accept-address": "Straat 1", "accept-trainers": [learner.pk]}
    )
    assert answer.status_code == 400  # not a choice
    request.refresh_from_db()
    assert request.status == "pending"
    answer = client.post(
        url, {**data, "accept-address": "Straat 1", "accept-trainers": [trainer.pk]}
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted"
    assert list(request.session.trainers.all()) == [trainer]


def test_acceptance_email_names_the_venue_and_address_or_the_link(user, kind, region):
    organiser = UserFactory(second_factor=True)
    request = _request(user, kind, region)
    services.group_request_accept(
        request=request,
        by=organiser,
        starts_at=timezone.now() + timedelta(days=30),
        venue="Stadskantoor",
        address="Stadsplateau 1, Utrecht",
    )
    assert services.group_request_email_ensure(request_id=request.pk) is True
    assert "Stadskantoor, Stadsplateau 1, Utrecht" in mail.outbox[-1].body
    online = make_format(title="Online", delivery="online", min_group_size=1)
    online.organisers.add(organiser)
    request = _request(user, online, region)
    services.group_request_accept(
        request=request,
        by=organiser,
        starts_at=timezone.now() + timedelta(days=30),
        venue="",
        address="",
        online_url="https://meet.example.org/kind",
    )
    assert services.group_request_email_ensure(request_id=request.pk) is True
    assert "https://meet.example.org/kind" in mail.outbox[-1].body


def test_organisers_are_told_of_a_new_request_in_their_language(
    user, kind, region, django_capture_on_commit_callbacks
):
    english = UserFactory(preferred_language="en", second_factor=True)
    kind.organisers.add(english)
    with django_capture_on_commit_callbacks() as callbacks:
        request = _request(user, kind, region)
    assert len(callbacks) == 1  # handed to the worker after commit
    assert services.group_request_new_email_ensure(request_id=request.pk) == 2
    to_english = next(m for m in mail.outbox if m.to == [english.email])
    assert to_english.subject == "New group request: Kind en Uitbuiting"
    assert "Jeugdzorg Utrecht" in to_english.body and "dinsdagochtenden in maart" in to_english.body
    assert reverse("trainings:group_request", args=[request.pk]) in to_english.body
    assert user.email not in {m.to[0] for m in mail.outbox}


def test_only_trainings_with_an_organiser_can_be_requested(user, kind, region):
    orphan = make_format(title="Zonder organisator", min_group_size=1)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("trainings:group_request_new")).content.decode()
    assert "Kind en Uitbuiting" in page and "Zonder organisator" not in page
    with pytest.raises(TrainingError) as exc:
        _request(user, orphan, region, size=5)
    assert exc.value.code == "no_organiser"
    assert not GroupRequest.objects.exists()


def test_the_accepted_answer_reads_as_plain_text(user, kind, region):
    """Where the session is, then one blank line, then the invitation link: no gap of empty
    lines left by the template."""
    organiser = UserFactory(second_factor=True)
    kind.organisers.add(organiser)
    request = _request(user, kind, region)
    services.group_request_accept(
        request=request,
        by=organiser,
        starts_at=timezone.now() + timedelta(days=30),
        venue="Zaal",
        address="Straat 1, Utrecht",
    )
    assert services.group_request_email_ensure(request_id=request.pk) is True
    body = mail.outbox[0].body
    assert "Waar: Zaal, Straat 1, Utrecht\n\nDeel deze" in body
    assert "\n\n\n" not in body


def test_the_proposed_date_stands_on_its_own_line_and_the_link_says_what_it_is(user, kind, region):
    """An English date ends in "p.m.": it no longer ends a sentence ("p.m.."). The request's
    address is introduced by what to do there, also after the organiser's message; the
    requester is greeted by name."""
    user.preferred_language = "en"
    user.full_name = "Iris de Vries"
    user.save()
    organiser = UserFactory(second_factor=True)
    request = _request(user, kind, region)
    proposed = timezone.now() + timedelta(days=40)
    services.group_request_propose(
        request=request, by=organiser, starts_at=proposed, response="Dinsdag lukt niet."
    )
    assert services.group_request_email_ensure(request_id=request.pk) is True
    body = mail.outbox[-1].body
    assert body.startswith("Dear Iris de Vries,\n\n")
    with translation.override("en"):
        when = date_format(timezone.localtime(proposed), "DATETIME_FORMAT")
    assert f"{when}\n" in body and ".." not in body
    with translation.override("en"):
        url = reverse("trainings:group_request", args=[request.pk])
    assert (
        "Dinsdag lukt niet.\n\n"
        "If the date suits your group, agree to it on the page of your request:\n"
        f"http://testserver{url}"
    ) in body
