"""Pages and API calls of trainings cost a fixed number of queries, however many sessions,
participants or requests they show (a 60-person session, a region's list, an organiser's
requests), also in a language the formats are translated into."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale

from tests.factories import PASSWORD, UserFactory
from trainings import services
from trainings.models import Registration
from trainings.views import SESSIONS_PER_PAGE

from .conftest import make_format, make_session

pytestmark = pytest.mark.django_db

MANY = 12


@pytest.fixture
def busy(trainer):
    """MANY formats (each also in English) with a session each in Utrecht, all trained and
    organised by `trainer`, who also made a group request for each; the first session started
    an hour ago and has 60 registered participants."""
    english = Locale.objects.get_or_create(language_code="en")[0]
    sessions = []
    for i in range(MANY):
        fmt = make_format(title=f"Training {i}")
        fmt.organisers.add(trainer)
        fmt.copy_for_translation(english).save()
        session = make_session(fmt)
        session.trainers.add(trainer)
        sessions.append(session)
        services.group_request_create(
            user=trainer,
            training_format=fmt,
            organisation_name=f"School {i}",
            group_size=30,
            region=session.region,
            preferred_dates="dinsdagochtend",
        )
    first = sessions[0]
    for _ in range(60):
        Registration.objects.create(session=first, user=UserFactory(), status="registered")
    first.starts_at = timezone.now() - timedelta(hours=1)
    first.save()
    for session in sessions[1:]:
        Registration.objects.create(session=session, user=trainer, status="registered")
    client = Client()
    assert client.login(email=trainer.email, password=PASSWORD)
    return client, sessions


PAGES = {
    "session list": (lambda s: reverse("trainings:list"), {"regio": "utrecht"}, 12),
    "session detail": (lambda s: reverse("trainings:session", args=[s[1].public_id]), {}, 14),
    "my trainings": (lambda s: reverse("trainings:mine"), {}, 12),
    # with empty caches, as here, every page also reads the footer's pages (once a minute per
    # process in use: cms.context_processors.footer_pages)
    "attendance list": (lambda s: reverse("trainings:attendance", args=[s[0].public_id]), {}, 13),
    "group requests": (lambda s: reverse("trainings:group_requests"), {}, 10),
    "region feed": (lambda s: reverse("trainings:region_ics", args=["utrecht"]), {}, 8),
    "api list": (lambda s: "/api/v1/trainings", {"region": "utrecht"}, 8),
    "api participants": (
        lambda s: f"/api/v1/trainings/{s[0].public_id}/participants",
        {},
        12,
    ),
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_cost_a_fixed_number_of_queries(busy, page, language, django_assert_max_num_queries):
    client, sessions = busy
    url, params, most = PAGES[page]
    with translation.override(language):
        path = url(sessions)
    with django_assert_max_num_queries(most):
        answer = client.get(path, params, headers={"accept-language": language})
    assert answer.status_code == 200
    if page == "attendance list":
        assert answer.content.decode().count('name="registration"') == 60


def test_marking_attendance_costs_a_fixed_number_of_queries(busy, django_assert_max_num_queries):
    client, sessions = busy
    url = reverse("trainings:attendance", args=[sessions[0].public_id])
    registration = sessions[0].registrations.first()
    # includes the completion and its certificate, and the second-factor check (ADR 0022)
    with django_assert_max_num_queries(46):
        answer = client.post(url, {"registration": registration.pk, "status": "present"})
    assert answer.status_code == 302


LISTS = {
    "session list": (lambda: reverse("trainings:list"), {"regio": "utrecht"}),
    "my trainings": (lambda: reverse("trainings:mine"), {}),
    "group requests": (lambda: reverse("trainings:group_requests"), {}),
    "region feed": (lambda: reverse("trainings:region_ics", args=["utrecht"]), {}),
    "api list": (lambda: "/api/v1/trainings", {"region": "utrecht", "page_size": 50}),
}


def _add_sessions(trainer, count: int, english) -> list:
    """`count` more formats (each also in English), each with a session in Utrecht that
    `trainer` trains, organises and is registered for, and a group request by `trainer`."""
    sessions = []
    for _ in range(count):
        fmt = make_format(title="Training")
        fmt.organisers.add(trainer)
        fmt.copy_for_translation(english).save()
        session = make_session(fmt)
        session.trainers.add(trainer)
        Registration.objects.create(session=session, user=trainer, status="registered")
        services.group_request_create(
            user=trainer,
            training_format=fmt,
            organisation_name="School",
            group_size=30,
            region=session.region,
            preferred_dates="dinsdagochtend",
        )
        sessions.append(session)
    return sessions


def _get_all(client, language: str) -> dict[str, tuple[int, str]]:
    """Per list: the number of queries and the answer's text."""
    answers = {}
    for name, (url, params) in LISTS.items():
        with translation.override(language):
            path = url()
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(path, params, headers={"accept-language": language})
        assert answer.status_code == 200, name
        answers[name] = (len(queries), answer.content.decode())
    return answers


@pytest.mark.parametrize("language", ["nl", "en"])
def test_list_pages_cost_as_many_queries_for_30_sessions_as_for_5(trainer, language):
    """Not just below a ceiling: the count does not grow with the number of rows."""
    english = Locale.objects.get_or_create(language_code="en")[0]
    client = Client()
    assert client.login(email=trainer.email, password=PASSWORD)
    sessions = _add_sessions(trainer, 5, english)
    _get_all(client, language)  # warm the per-process caches (site, locales)
    few = _get_all(client, language)
    sessions += _add_sessions(trainer, 25, english)
    many = _get_all(client, language)
    assert {name: count for name, (count, _text) in many.items()} == {
        name: count for name, (count, _text) in few.items()
    }
    for name in ("my trainings", "region feed", "api list"):
        text = many[name][1]
        assert all(str(s.public_id) in text for s in sessions), name
    # the session list is paginated: its first page
    listed = sum(str(s.public_id) in many["session list"][1] for s in sessions)
    assert listed == SESSIONS_PER_PAGE
    assert many["group requests"][1].count("School") == 30


@pytest.mark.parametrize("people", [5, 40])
def test_a_session_change_costs_as_many_queries_for_40_people_as_for_5(
    people, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """A new place and 10 more places: the "changed" e-mails and the promotions go to the
    outbox in one insert each (outbox_add_together), not one row and one broker message per
    person."""
    from django.db import transaction

    from outbox.models import OutboxMessage

    session = make_session(capacity=people)
    for _ in range(people + 10):
        services.registration_create(session=session, user=UserFactory())
    OutboxMessage.objects.all().delete()
    with (
        django_assert_max_num_queries(16),
        django_capture_on_commit_callbacks() as callbacks,
        transaction.atomic(),
    ):
        before = services.session_lock(session=session)
        session.venue, session.capacity = "Nieuwe zaal", people + 10
        session.save()
        services.session_changed(before=before, session=session)
    kinds = list(OutboxMessage.objects.values_list("payload__kind", flat=True))
    assert kinds.count("promoted") == 10 and kinds.count("changed") == people
    assert len(callbacks) == 2  # one hand-over for the promotions, one for the changes
