from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Locale

from accounts import roles
from accounts.models import Region
from lms import services as lms_services
from tests.factories import UserFactory, answer_all_right
from trainings.models import Attendance, Delivery, Registration, TrainingFormat, TrainingSession


def make_format(**kwargs) -> TrainingFormat:
    defaults = {
        "title": "Bewustwordingsbijeenkomst: Herkennen en signaleren van mensenhandel",
        "description": "Wat is mensenhandel, hoe herken je signalen en wat doe je ermee?",
        "audience": "professionals_children",
        "duration_minutes": 180,
        "delivery": Delivery.ON_LOCATION,
        "min_group_size": 1,
        "max_group_size": 100,
        "organiser": "CoMensha met ESSM",
        "locale": Locale.objects.get(language_code="nl"),
    }
    defaults.update(kwargs)
    return TrainingFormat.objects.create(**defaults)


def make_session(training_format=None, *, days=10, capacity=60, **kwargs) -> TrainingSession:
    start = timezone.now() + timedelta(days=days)
    region = Region.objects.get_or_create(slug="utrecht", defaults={"name": "Utrecht"})[0]
    defaults = {
        "training_format": training_format or make_format(),
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "venue": "Stadskantoor",
        "address": "Stadsplateau 1, Utrecht",
        "region": region,
        "capacity": capacity,
        "is_published": True,
    }
    defaults.update(kwargs)
    return TrainingSession.objects.create(**defaults)


def attended(session, user=None, status=Attendance.Status.PRESENT) -> Registration:
    """A registration for `session` whose attendance the trainer marked (`status`); a partial
    attendance left one hour after the start."""
    registration = Registration.objects.create(
        session=session, user=user or UserFactory(), status="registered"
    )
    Attendance.objects.create(
        registration=registration,
        status=status,
        method=Attendance.Method.TRAINER,
        left_at=session.starts_at + timedelta(hours=1)
        if status == Attendance.Status.PARTIAL
        else None,
    )
    return registration


def pass_course(user, course):
    enrolment = lms_services.enrolment_create(user=user, course=course)
    attempt = lms_services.attempt_start(enrolment=enrolment)
    answer_all_right(attempt)
    lms_services.attempt_submit(attempt=attempt)
    return attempt.completion


@pytest.fixture
def session(db):
    return make_session()


@pytest.fixture
def trainer(db):
    """A person with the trainer role (added to sessions by the tests), with the second factor
    that the trainers' pages need (ADR 0022)."""
    return UserFactory(full_name="Tamara Trainer", role=roles.TRAINER, second_factor=True)


@pytest.fixture
def tasks_run_now():
    """Celery tasks handed over with .delay run in the test's process (the e-mails reach the
    locmem outbox); use with django_capture_on_commit_callbacks(execute=True)."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def admin_session_data(session, **changes) -> dict:
    """The admin edit form's fields for `session` (times in Dutch time, as the form shows them),
    with `changes`."""
    data = {
        "training_format": session.training_format_id,
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
        "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%d %H:%M"),
        "venue": session.venue,
        "address": session.address,
        "region": session.region_id or "",
        "online_url": session.online_url,
        "trainers": [t.pk for t in session.trainers.all()],
        "capacity": session.capacity,
    }
    if session.is_published:
        data["is_published"] = "on"
    if session.is_closed:
        data["is_closed"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


@pytest.fixture
def kind(db):
    """A training for groups with an organiser (only those can be requested)."""
    training = make_format(title="Kind en Uitbuiting", min_group_size=30, max_group_size=60)
    training.organisers.add(UserFactory(full_name="Olga Organisator", second_factor=True))
    return training


@pytest.fixture
def region(db):
    return Region.objects.get_or_create(slug="utrecht", defaults={"name": "Utrecht"})[0]
