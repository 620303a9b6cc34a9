"""With Redis unreachable (a closed port) the pages that do not need it still answer: the cache
misses instead of raising, sessions come from the database, a pass is stored with its
certificate and outbox rows, and only the actions whose rate limits guard a secret (login,
access tokens) are refused, with 503 (ADR 0019)."""

import uuid

import pytest
from celery import Celery
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.rate_limits import RETRY_AFTER_SECONDS
from certificates.models import Certificate
from config.celery import app
from lms import services as lms_services
from outbox.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

#: nothing listens on port 1 of the loopback address: every connection is refused at once
CLOSED = "redis://127.0.0.1:1/{db}"
_OPTIONS = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}


@pytest.fixture
def redis_down(settings):
    """The production cache configuration (django-redis, misses instead of errors for
    "default", errors for "limits") and the broker, all pointing at a closed port.

    The broker is that of a Celery app made for this test and set as the current app (tasks
    declared with `shared_task` are sent through the current app): the project's app and its
    connection pools stay as they are for the tests that follow."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CLOSED.format(db=1),
            "OPTIONS": {**_OPTIONS, "IGNORE_EXCEPTIONS": True},
        },
        "limits": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CLOSED.format(db=1),
            "OPTIONS": {**_OPTIONS, "IGNORE_EXCEPTIONS": False},
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    unreachable = Celery("stm-redis-down", set_as_current=False)
    unreachable.config_from_object("django.conf:settings", namespace="CELERY")
    unreachable.conf.broker_url = CLOSED.format(db=0)
    unreachable.conf.broker_transport_options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    unreachable.set_current()
    try:
        yield
    finally:
        app.set_current()
        unreachable.close()


@pytest.fixture
def course(db):
    return factories.make_course(title="Module zonder Redis")


def test_public_pages_answer(client, redis_down, course):
    assert client.get("/").status_code == 200
    assert client.get(factories.course_index().url).status_code == 200
    assert client.get(course.url).status_code == 200
    assert client.get(reverse("account_login")).status_code == 200
    response = client.get("/api/v1/courses")
    assert response.status_code == 200, response.content


def test_verification_answers_without_its_rate_limit(client, redis_down, user, course):
    from tests.certificates.conftest import pass_course

    completion = pass_course(user, course)
    certificate = Certificate.objects.get(completion=completion)
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    assert client.get(f"/api/v1/certificates/{certificate.code}").status_code == 200


def test_signed_in_learner_reads_a_lesson_and_passes(
    client, redis_down, user, course, caplog, django_capture_on_commit_callbacks
):
    """The session lives in the database; the pass, its certificate and the outbox rows are
    committed although the broker is down, and the result page says it is being prepared."""
    client.force_login(user)
    enrolment = lms_services.enrolment_create(user=user, course=course)
    attempt = lms_services.attempt_start(enrolment=enrolment)
    lesson_id = attempt.snapshot["lesson_ids"][0]
    assert client.get(reverse("lms:lesson", kwargs={"lesson_id": lesson_id})).status_code == 200
    factories.answer_all_right(attempt)
    # the outbox hands its rows to the broker once the pass commits: run those callbacks
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id}), follow=True
        )
    assert response.status_code == 200
    certificate = Certificate.objects.get(user=user)
    kinds = set(
        OutboxMessage.objects.filter(payload__certificate_id=certificate.pk).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"certificates.pdf", "certificates.email"}
    # handed to a broker that was down: left for the relay, not an error of the request
    assert "broker unavailable" in caplog.text
    with translation.override("nl"):
        prepared = translation.gettext(
            "Your certificate is being prepared. It appears under “My certificates”, and we "
            "send you an e-mail when it is ready."
        )
    assert escape(prepared) in response.content.decode()


def test_login_post_is_refused_with_503(client, redis_down, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "wrong-password-1"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS) == "60"


def test_access_token_is_refused_with_503(client, redis_down):
    response = client.get(
        f"/api/v1/attempts/{uuid.uuid4()}", headers={"Authorization": "Bearer stm_not-a-real-token"}
    )
    assert response.status_code == 503
    assert response.json()["code"] == "rate_limit_unavailable"
    # like the site's 503 above: the client is told when to try again
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS) == "60"


def test_a_training_registration_is_kept_and_its_e_mail_waits_for_the_broker(
    client, redis_down, user, caplog, django_capture_on_commit_callbacks
):
    from tests.trainings.conftest import make_session
    from trainings.models import Registration
    from trainings.services import REGISTRATION_EMAIL_WANTED

    session = make_session()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("trainings:register", args=[session.public_id]))
    assert answer.status_code == 302
    registration = Registration.objects.get(user=user, session=session)
    assert registration.status == "registered"
    message = OutboxMessage.objects.get(kind=REGISTRATION_EMAIL_WANTED)
    assert message.payload == {"registration_id": registration.pk, "kind": "confirmation"}
    assert message.done_at is None  # the relay sends it when the broker is back
    assert "broker unavailable" in caplog.text


def test_a_target_edited_in_the_admin_is_saved_with_the_broker_down(
    client, redis_down, django_capture_on_commit_callbacks
):
    from reporting.models import Target
    from tests.reporting.test_models import _post_data

    course = factories.make_course()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("wagtailsnippets_reporting_target:add"), _post_data(course.pk))
    assert answer.status_code == 302
    assert Target.objects.filter(code="test-target").exists()  # rebuilt by the nightly task
