"""Organisers plan sessions in Wagtail, limited to the formats they organise."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import roles
from tests.factories import UserFactory

from .conftest import make_format, make_session

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


def test_trainers_must_have_completed_the_train_the_trainer(trainer):
    from lms.models import Completion
    from trainings.models import TrainingSession

    train_the_trainer = make_format(title="Train-de-trainer Kind en Uitbuiting")
    training = make_format(title="Kind en Uitbuiting", trainer_training=train_the_trainer)
    form_class = TrainingSession.get_edit_handler().get_form_class()
    session = make_session(training)
    data = {
        "training_format": training.pk,
        "starts_at": session.starts_at.strftime("%Y-%m-%d %H:%M"),
        "ends_at": session.ends_at.strftime("%Y-%m-%d %H:%M"),
        "venue": "Zaal",
        "address": "Straat 1, Utrecht",
        "region": session.region_id,
        "capacity": 60,
        "trainers": [trainer.pk],
    }
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
