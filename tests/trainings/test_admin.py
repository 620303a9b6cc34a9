"""Organisers plan sessions in Wagtail, limited to the formats they organise."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts import roles
from tests.factories import UserFactory

from .conftest import admin_session_data, make_format, make_session

pytestmark = pytest.mark.django_db


def test_organiser_sees_and_edits_only_their_own_sessions():
    organiser = UserFactory(role=roles.TRAINING_ORGANISER)
    own_format = make_format(title="Eigen training")
    own_format.organisers.add(organiser)
    own = make_session(own_format, venue="Eigen zaal")
    other = make_session(make_format(title="Andermans training"), venue="Andere zaal")
    client = Client()
    client.force_login(organiser)
    listing = client.get(reverse("wagtailsnippets_trainings_trainingsession:list"))
    assert listing.status_code == 200
    assert "Eigen training" in listing.content.decode()
    assert "Andermans training" not in listing.content.decode()
    edit = "wagtailsnippets_trainings_trainingsession:edit"
    assert client.get(reverse(edit, args=[own.pk])).status_code == 200
    assert client.get(reverse(edit, args=[other.pk])).status_code == 404
    assert client.get(reverse("wagtailsnippets_trainings_trainingsession:add")).status_code == 200
    # the format chooser offers every format, the form accepts only the organiser's own
    from trainings.models import TrainingSession

    form_class = TrainingSession.get_edit_handler().get_form_class()
    choices = form_class(for_user=organiser).fields["training_format"].queryset
    assert list(choices) == [own_format]


def test_programme_staff_see_every_session():
    staff = UserFactory(role=roles.PROGRAMME_STAFF)
    make_session(make_format(title="Eerste training"))
    make_session(make_format(title="Tweede training"))
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("wagtailsnippets_trainings_trainingsession:list")).content.decode()
    assert "Eerste training" in page and "Tweede training" in page


def test_a_learner_has_no_admin_access():
    client = Client()
    client.force_login(UserFactory())
    answer = client.get(reverse("wagtailsnippets_trainings_trainingsession:list"))
    assert answer.status_code in (302, 403)


def session_form_data(session, training_format=None) -> dict:
    """The session form's fields for `session` (in `training_format` when given), 60 places."""
    return {
        "training_format": (training_format or session.training_format).pk,
        "starts_at": session.starts_at.strftime("%Y-%m-%d %H:%M"),
        "ends_at": session.ends_at.strftime("%Y-%m-%d %H:%M"),
        "venue": "Zaal",
        "address": "Straat 1, Utrecht",
        "region": session.region_id,
        "capacity": 60,
    }


def test_trainers_must_have_completed_the_train_the_trainer(trainer):
    from lms.models import Completion
    from trainings.models import TrainingSession

    train_the_trainer = make_format(title="Train-de-trainer Kind en Uitbuiting")
    training = make_format(title="Kind en Uitbuiting", trainer_training=train_the_trainer)
    form_class = TrainingSession.get_edit_handler().get_form_class()
    session = make_session(training)
    data = {**session_form_data(session, training), "trainers": [trainer.pk]}
    staff = UserFactory(role=roles.PROGRAMME_STAFF)
    form = form_class(data=data, instance=session, for_user=staff)
    assert not form.is_valid()
    assert "trainers" in form.errors
    Completion.objects.create(
        user=trainer,
        source="training",
        course_key=train_the_trainer.translation_key,
        title=train_the_trainer.title,
        completed_at=session.starts_at,
    )
    form = form_class(data=data, instance=session, for_user=staff)
    assert form.is_valid(), form.errors


def _session_object_urls(pk) -> dict[str, str]:
    """Every URL of the session viewset that names one session (found from the viewset, so a
    view Wagtail adds later, e.g. revisions or locking, is checked as well)."""
    from trainings.models import TrainingSession

    viewset = TrainingSession.snippet_viewset
    urls = {}
    for pattern in viewset.get_urlpatterns():
        if "pk" not in pattern.pattern.converters and "(?P<pk>" not in str(pattern.pattern):
            continue
        # a view that needs more than the session (a revision id) must be added here
        assert set(pattern.pattern.converters) == {"pk"}, pattern.name
        urls[pattern.name] = reverse(viewset.get_url_name(pattern.name), args=[pk])
    return urls


def test_every_view_of_a_session_is_limited_to_the_organisers_own_sessions():
    organiser = UserFactory(role=roles.TRAINING_ORGANISER)
    own_format = make_format(title="Eigen training")
    own_format.organisers.add(organiser)
    own = make_session(own_format)
    other_organiser = UserFactory(role=roles.TRAINING_ORGANISER)
    other_format = make_format(title="Andermans training")
    other_format.organisers.add(other_organiser)
    other = make_session(other_format, venue="Geheime zaal")
    client = Client()
    client.force_login(organiser)
    other_urls = _session_object_urls(other.pk)
    assert {"edit", "copy", "delete", "usage", "history", "history_results"} <= set(other_urls)
    for name, url in other_urls.items():
        answer = client.get(url)
        assert answer.status_code == 404, name
        assert "Geheime zaal" not in answer.content.decode(), name
        assert client.post(url).status_code == 404, name
    for name, url in _session_object_urls(own.pk).items():
        # organisers may not delete sessions at all (programme staff may): Wagtail's refusal
        expected = (302, 403) if name == "delete" else (200,)
        assert client.get(url).status_code in expected, name
    other.refresh_from_db()  # not deleted, not changed
    # whoever may manage every session (and delete: a superuser) opens them all
    admin = Client()
    admin.force_login(UserFactory(role=roles.SITE_ADMIN, is_superuser=True))
    for name, url in other_urls.items():
        assert admin.get(url).status_code == 200, name


def test_format_views_need_the_format_permissions():
    """Organisers may see formats, not copy, change, delete them or read their history."""
    organiser = UserFactory(role=roles.TRAINING_ORGANISER)
    fmt = make_format(title="Kind en Uitbuiting")
    fmt.organisers.add(organiser)
    from trainings.models import TrainingFormat

    viewset = TrainingFormat.snippet_viewset
    client = Client()
    client.force_login(organiser)
    for name in ("copy", "delete", "usage", "history", "history_results"):
        url = reverse(viewset.get_url_name(name), args=[fmt.pk])
        assert client.get(url).status_code in (302, 403), name
        assert client.post(url).status_code in (302, 403), name
    fmt.refresh_from_db()
    assert fmt.title == "Kind en Uitbuiting"


def test_the_session_chooser_offers_only_the_organisers_own_sessions():
    from trainings.models import TrainingSession

    organiser = UserFactory(role=roles.TRAINING_ORGANISER)
    own_format = make_format(title="Eigen training")
    own_format.organisers.add(organiser)
    own = make_session(own_format)
    other = make_session(make_format(title="Andermans training"))
    chooser = TrainingSession.snippet_viewset.chooser_viewset
    client = Client()
    client.force_login(organiser)
    for name in ("choose", "choose_results"):
        page = client.get(reverse(chooser.get_url_name(name))).content.decode()
        assert "Eigen training" in page and "Andermans training" not in page, name
    chosen = chooser.get_url_name("chosen")
    assert client.get(reverse(chosen, args=[own.pk])).status_code == 200
    assert client.get(reverse(chosen, args=[other.pk])).status_code == 404
    several = client.get(
        reverse(chooser.get_url_name("chosen_multiple")), {"id": [own.pk, other.pk]}
    ).json()
    assert [item["id"] for item in several["result"]] == [str(own.pk)]


def test_the_session_chooser_answers_an_id_that_is_no_number_with_404():
    """An address with a made-up id (a hand-edited URL) is a session not found, not a server
    error; the ids that are numbers are still chosen."""
    from trainings.models import TrainingSession

    organiser = UserFactory(role=roles.TRAINING_ORGANISER)
    own_format = make_format(title="Eigen training")
    own_format.organisers.add(organiser)
    own = make_session(own_format)
    chooser = TrainingSession.snippet_viewset.chooser_viewset
    client = Client(raise_request_exception=False)
    client.force_login(organiser)
    for pk in ("abc", "1.5", "99999999999999999999"):
        response = client.get(reverse(chooser.get_url_name("chosen"), args=[pk]))
        assert response.status_code == 404, pk
    several = client.get(
        reverse(chooser.get_url_name("chosen_multiple")), {"id": ["abc", str(own.pk)]}
    )
    assert several.status_code == 200
    assert [item["id"] for item in several.json()["result"]] == [str(own.pk)]


def test_trainers_picker_offers_trainers_only_and_keeps_who_is_chosen(trainer):
    from trainings.models import TrainingSession

    learner = UserFactory(full_name="Lotte Leerling")
    hotel_staff = UserFactory(role=roles.ORGANISATION_MANAGER)
    former_trainer = UserFactory(full_name="Vroeger Trainer")  # chosen earlier, no role now
    session = make_session()
    session.trainers.add(former_trainer)
    form_class = TrainingSession.get_edit_handler().get_form_class()
    staff = UserFactory(role=roles.PROGRAMME_STAFF)
    new = set(form_class(for_user=staff).fields["trainers"].queryset)
    assert trainer in new and not {learner, hotel_staff, former_trainer} & new
    existing = set(form_class(instance=session, for_user=staff).fields["trainers"].queryset)
    assert existing == {trainer, former_trainer}
    data = session_form_data(session)
    form = form_class(
        data={**data, "trainers": [former_trainer.pk]}, instance=session, for_user=staff
    )
    assert form.is_valid(), form.errors  # the existing record still validates
    form = form_class(data={**data, "trainers": [learner.pk]}, instance=session, for_user=staff)
    assert not form.is_valid() and "trainers" in form.errors
    # and on the page: no learner's name in the organiser's form
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("wagtailsnippets_trainings_trainingsession:add")).content.decode()
    assert "Tamara Trainer" in page and "Lotte Leerling" not in page


def test_organisers_picker_offers_organisers_only_and_keeps_who_is_chosen():
    from trainings.models import TrainingFormat

    organiser = UserFactory(full_name="Olga Organisator", role=roles.TRAINING_ORGANISER)
    UserFactory(full_name="Lotte Leerling")  # a learner: not offered
    former = UserFactory(full_name="Vroeger Organisator")
    fmt = make_format()
    fmt.organisers.add(former)
    form_class = TrainingFormat.get_edit_handler().get_form_class()
    staff = UserFactory(role=roles.PROGRAMME_STAFF)
    assert set(form_class(for_user=staff).fields["organisers"].queryset) == {organiser}
    existing = form_class(instance=fmt, for_user=staff).fields["organisers"].queryset
    assert set(existing) == {organiser, former}
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("wagtailsnippets_trainings_trainingformat:add")).content.decode()
    assert "Olga Organisator" in page and "Lotte Leerling" not in page
    edit = reverse("wagtailsnippets_trainings_trainingformat:edit", args=[fmt.pk])
    assert "Vroeger Organisator" in client.get(edit).content.decode()


def _organiser_client(session) -> Client:
    # the admin form shows whole minutes: a test session's seconds would read as a new time
    session.starts_at = session.starts_at.replace(second=0, microsecond=0)
    session.ends_at = session.ends_at.replace(second=0, microsecond=0)
    session.save(update_fields=["starts_at", "ends_at"])
    organiser = UserFactory(role=roles.TRAINING_ORGANISER)
    session.training_format.organisers.add(organiser)
    client = Client()
    client.force_login(organiser)
    return client


def _edit_url(session) -> str:
    return reverse("wagtailsnippets_trainings_trainingsession:edit", args=[session.pk])


def test_more_places_in_the_admin_go_to_the_waiting_list_in_order(
    django_capture_on_commit_callbacks, tasks_run_now
):
    from django.core import mail

    from trainings import services

    session = make_session(capacity=1)
    people = [UserFactory(preferred_language="en") for _ in range(4)]
    _first, *waiting = [
        services.registration_create(session=session, user=person) for person in people
    ]
    assert [r.status for r in waiting] == ["waiting"] * 3
    mail.outbox.clear()
    client = _organiser_client(session)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(_edit_url(session), admin_session_data(session, capacity=3))
    assert answer.status_code == 302
    for registration in waiting:
        registration.refresh_from_db()
    assert [r.status for r in waiting] == ["registered", "registered", "waiting"]
    assert all(r.promoted_at for r in waiting[:2])
    # the same e-mail as when a place is freed by a cancellation
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in waiting[:2])
    assert all(m.subject.startswith("A place has become free") for m in mail.outbox)


def test_fewer_places_than_people_registered_is_refused_with_the_count():
    from trainings import services

    session = make_session(capacity=5)
    for _ in range(3):
        services.registration_create(session=session, user=UserFactory())
    client = _organiser_client(session)
    answer = client.post(
        _edit_url(session), admin_session_data(session, capacity=2, venue="Nieuwe zaal")
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "3 people are registered" in page or "3 mensen aangemeld" in page
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (5, "Stadskantoor")  # nothing saved
    answer = client.post(_edit_url(session), admin_session_data(session, capacity=3))
    assert answer.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 3


def test_participants_are_told_of_a_new_time_or_place(
    django_capture_on_commit_callbacks, tasks_run_now
):
    from django.core import mail

    from trainings import services

    session = make_session(capacity=1)
    registered = services.registration_create(
        session=session, user=UserFactory(preferred_language="en")
    )
    waiting = services.registration_create(
        session=session, user=UserFactory(preferred_language="en")
    )
    gone = services.registration_create(session=session, user=UserFactory())
    services.registration_cancel(registration=gone)
    mail.outbox.clear()
    client = _organiser_client(session)
    # other fields: nobody is told
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_edit_url(session), admin_session_data(session, capacity=1, trainers=[]))
    assert mail.outbox == []
    later = timezone.localtime(session.starts_at + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            _edit_url(session),
            admin_session_data(
                session,
                venue="Nieuwe zaal",
                starts_at=later.strftime("%Y-%m-%d %H:%M"),
                ends_at=(later + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
            ),
        )
    assert answer.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [registered.user.email, waiting.user.email]
    )
    for message in mail.outbox:
        assert message.subject.startswith("Changed date or place:")
        assert "Nieuwe zaal, Stadsplateau 1, Utrecht" in message.body
        with translation.override("en"):  # as the e-mail shows the new start
            assert date_format(later, "DATETIME_FORMAT") in message.body
        assert reverse("trainings:session_ics", args=[session.public_id]) in message.body
    waiting_mail = next(m for m in mail.outbox if m.to == [waiting.user.email])
    assert "waiting list" in waiting_mail.body


def test_no_change_e_mail_for_an_unpublished_session(
    django_capture_on_commit_callbacks, tasks_run_now
):
    from django.core import mail

    from trainings import services

    session = make_session()
    services.registration_create(session=session, user=UserFactory())
    mail.outbox.clear()
    client = _organiser_client(session)
    data = admin_session_data(session, venue="Nieuwe zaal")
    del data["is_published"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_edit_url(session), data).status_code == 302
    assert mail.outbox == []


def test_session_list_shows_published_and_closed_as_yes_no():
    make_session(is_published=True, is_closed=False)
    client = Client()
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    page = client.get(reverse("wagtailsnippets_trainings_trainingsession:list")).content.decode()
    assert ">True<" not in page and ">False<" not in page
    assert "icon-check" in page and "icon-cross" in page
    assert '<span class="w-sr-only">Ja</span>' in page  # Dutch, the default language
    assert '<span class="w-sr-only">Nee</span>' in page
