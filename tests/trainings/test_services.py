import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.mail import mail_message
from certificates import services as certificate_services
from certificates.models import Certificate
from lms.models import Completion
from outbox.models import OutboxMessage
from tests.conftest import DEADLINE
from tests.factories import UserFactory, make_course
from trainings import services
from trainings.errors import TrainingError
from trainings.models import Attendance, Registration, TrainingCompletion

from .conftest import make_format, make_session, pass_course

pytestmark = pytest.mark.django_db


def test_registration_fills_places_then_the_waiting_list():
    session = make_session(capacity=2)
    statuses = [
        services.registration_create(session=session, user=UserFactory()).status for _ in range(3)
    ]
    assert statuses == ["registered", "registered", "waiting"]


def test_double_registration_is_refused_and_changes_nothing(user, session):
    services.registration_create(session=session, user=user)
    with pytest.raises(TrainingError) as exc:
        services.registration_create(session=session, user=user)
    assert (exc.value.status, exc.value.code) == (409, "already_registered")
    assert Registration.objects.filter(session=session).count() == 1


def test_prerequisite_missing_is_refused_and_shown(user):
    course = make_course(title="BUIT voor professionals")
    session = make_session(make_format(prerequisite_course=course))
    with pytest.raises(TrainingError) as exc:
        services.registration_create(session=session, user=user)
    assert (exc.value.status, exc.value.code) == (403, "prerequisite_missing")
    assert "BUIT voor professionals" in exc.value.message
    assert not Registration.objects.exists()
    pass_course(user, course)
    assert services.registration_create(session=session, user=user).status == "registered"


def test_unpublished_closed_and_started_sessions_are_refused(user):
    with pytest.raises(TrainingError) as exc:
        services.registration_create(session=make_session(is_published=False), user=user)
    assert exc.value.status == 404
    closed = make_session(is_closed=True)
    with pytest.raises(TrainingError) as exc:
        services.registration_create(session=closed, user=user, invitation_token="wrong")
    assert exc.value.code == "invitation_required"
    assert (
        services.registration_create(
            session=closed, user=user, invitation_token=closed.invitation_token
        ).status
        == "registered"
    )
    started = make_session(days=-1)
    with pytest.raises(TrainingError) as exc:
        services.registration_create(session=started, user=UserFactory())
    assert exc.value.code == "registration_closed"


def test_cancellation_moves_exactly_one_up_in_order():
    session = make_session(capacity=1)
    first = services.registration_create(session=session, user=UserFactory())
    second = services.registration_create(session=session, user=UserFactory())
    third = services.registration_create(session=session, user=UserFactory())
    services.registration_cancel(registration=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("registered", "waiting")
    assert second.promoted_at is not None


def test_cancellation_after_the_deadline_is_refused(user, session):
    registration = services.registration_create(session=session, user=user)
    late = session.starts_at - timedelta(hours=47)
    with pytest.raises(TrainingError) as exc:
        services.registration_cancel(registration=registration, now=late)
    assert (exc.value.status, exc.value.code) == (403, "cancellation_closed")
    registration.refresh_from_db()
    assert registration.status == "registered"


def test_registering_again_after_cancelling(user, session):
    registration = services.registration_create(session=session, user=user)
    services.registration_cancel(registration=registration)
    assert services.registration_create(session=session, user=user).status == "registered"


def test_confirmation_and_reminder_in_the_persons_language(django_capture_on_commit_callbacks):
    from trainings import tasks

    english = UserFactory(preferred_language="en")
    session = make_session(days=1)
    registration = services.registration_create(session=session, user=english)
    # the task name of messages queued before the outbox took over still runs the handler
    assert tasks.registration_email(registration.pk, "confirmation") is True
    assert (
        services.registration_email_ensure(registration_id=registration.pk, kind="confirmation")
        is False
    )  # sent once
    assert mail.outbox[0].subject.startswith("Registered:")
    assert "You can cancel until" in mail.outbox[0].body
    assert services.registrations_remind() == 1
    assert services.registrations_remind() == 0
    assert mail.outbox[1].subject.startswith("Reminder:")
    dutch = UserFactory(preferred_language="nl")
    waiting = services.registration_create(session=make_session(capacity=1), user=UserFactory())
    assert waiting.status == "registered"
    later = services.registration_create(session=waiting.session, user=dutch)
    services.registration_email_send(registration=later, kind="confirmation")
    # greeted by name, in the person's language
    assert mail.outbox[-1].body.startswith(f"Beste {dutch.full_name},")
    assert mail.outbox[0].body.startswith(f"Dear {english.full_name},")


def test_reminder_not_sent_for_sessions_further_away(user):
    services.registration_create(session=make_session(days=5), user=user)
    assert services.registrations_remind() == 0


def _attending(user=None, days=-1, **session_kwargs):
    """A registration for a session that took place `days` ago (negative: in the past)."""
    session = make_session(days=days, **session_kwargs)
    return Registration.objects.create(
        session=session, user=user or UserFactory(), status="registered"
    )


def test_full_attendance_completes_through_the_certificate_path(
    trainer, django_capture_on_commit_callbacks
):
    registration = _attending()
    with django_capture_on_commit_callbacks() as callbacks:
        attendance = services.attendance_mark(
            registration=registration, status="present", marked_by=trainer
        )
    assert attendance.status == "present"
    completion = Completion.objects.get(user=registration.user)
    fmt = registration.session.training_format
    assert completion.source == "training"
    assert completion.course_key == fmt.translation_key
    assert completion.course is None and completion.attempt is None
    assert TrainingCompletion.objects.get(completion=completion).session == registration.session
    assert callbacks, "the certificate's PDF and e-mail are handed to the worker after commit"
    # recorded in the transaction of the attendance, as for an e-learning pass (ADR 0019)
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.course_title == fmt.title
    assert certificate.course is None
    pdf = certificate_services.certificate_pdf_bytes(certificate=certificate)
    assert pdf.startswith(b"%PDF")


def test_partial_and_absent_attendance_do_not_complete(trainer):
    registration = _attending()
    session = registration.session
    with pytest.raises(TrainingError) as exc:
        services.attendance_mark(registration=registration, status="partial", marked_by=trainer)
    assert exc.value.code == "left_at_required"
    left = session.starts_at + timedelta(hours=1)
    attendance = services.attendance_mark(
        registration=registration, status="partial", left_at=left, marked_by=trainer
    )
    assert attendance.left_at == left
    assert not Completion.objects.exists()


def test_attendance_by_someone_not_registered_is_refused(trainer):
    registration = _attending()
    registration.status = "waiting"
    registration.save()
    with pytest.raises(TrainingError) as exc:
        services.attendance_mark(registration=registration, status="present", marked_by=trainer)
    assert (exc.value.status, exc.value.code) == (409, "not_registered")
    assert not Attendance.objects.exists()


def test_attendance_window_closes_a_week_after(trainer):
    registration = _attending(days=-9)
    with pytest.raises(TrainingError) as exc:
        services.attendance_mark(registration=registration, status="present", marked_by=trainer)
    assert exc.value.code == "attendance_closed"


def test_check_in_with_an_expiring_code(user):
    registration = _attending(user=user, days=0)
    session = registration.session
    session.starts_at = timezone.now() - timedelta(minutes=10)
    session.save()
    services.attendance_code_issue(session=session)
    outsider = UserFactory()
    with pytest.raises(TrainingError) as exc:
        services.attendance_check_in(user=outsider, code=session.attendance_code)
    assert exc.value.code == "not_registered"
    attendance = services.attendance_check_in(user=user, code=session.attendance_code.lower())
    assert (attendance.status, attendance.method) == ("present", "code")
    with pytest.raises(TrainingError) as exc:
        services.attendance_check_in(
            user=user, code=session.attendance_code, now=timezone.now() + timedelta(minutes=16)
        )
    assert exc.value.code == "invalid_code"


def test_prerequisite_required_for_completion(trainer):
    course = make_course(title="BUIT")
    registration = _attending(training_format=make_format(prerequisite_course=course))
    services.attendance_mark(registration=registration, status="present", marked_by=trainer)
    assert not Completion.objects.filter(source="training").exists()


def test_passing_the_prerequisite_after_attending_completes_the_training(trainer):
    course = make_course(title="BUIT")
    fmt = make_format(prerequisite_course=course)
    registration = _attending(training_format=fmt)
    services.attendance_mark(registration=registration, status="present", marked_by=trainer)
    other = _attending(user=registration.user, training_format=make_format(title="Anders"))
    services.attendance_mark(registration=other, status="absent", marked_by=trainer)
    assert not Completion.objects.filter(source="training").exists()

    passed = pass_course(registration.user, course)

    training = Completion.objects.get(source="training")
    assert (training.user, training.course_key) == (registration.user, fmt.translation_key)
    assert TrainingCompletion.objects.get(completion=training).registration == registration
    assert Certificate.objects.filter(completion=training).exists()
    assert training.completed_at <= passed.completed_at
    # passing it again later (a renewal) does not complete the training twice
    assert services.trainings_complete_after_prerequisite(completion=passed) == []


def test_one_completion_per_person_and_format(trainer):
    fmt = make_format()
    user = UserFactory()
    first = _attending(user=user, training_format=fmt)
    second = _attending(user=user, training_format=fmt, days=-2)
    services.attendance_mark(registration=first, status="present", marked_by=trainer)
    services.attendance_mark(registration=second, status="present", marked_by=trainer)
    assert Completion.objects.filter(user=user).count() == 1


def test_completed_attendance_cannot_be_changed_to_absent(trainer):
    registration = _attending()
    services.attendance_mark(registration=registration, status="present", marked_by=trainer)
    with pytest.raises(TrainingError) as exc:
        services.attendance_mark(registration=registration, status="absent", marked_by=trainer)
    assert exc.value.code == "completed"


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_under_100_concurrent_registrations():
    """100 people register at once for 60 places (PostgreSQL row lock on the session)."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (set DATABASE_URL)")
    session = make_session(capacity=60)
    users = [UserFactory() for _ in range(100)]
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []
    chunks = [users[i::20] for i in range(20)]

    def run(chunk):
        try:
            barrier.wait(timeout=DEADLINE)
            for person in chunk:
                services.registration_create(session=session, user=person)
        except BaseException as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE)
    assert errors == []
    rows = Registration.objects.filter(session=session)
    assert rows.filter(status="registered").count() == 60
    assert rows.filter(status="waiting").count() == 40

    # two cancellations at the same moment move exactly two people up, in order
    first_waiting = list(rows.filter(status="waiting").order_by("created_at", "pk")[:3])
    leaving = list(rows.filter(status="registered")[:2])
    barrier2 = threading.Barrier(2)

    def cancel(registration):
        try:
            barrier2.wait(timeout=DEADLINE)
            services.registration_cancel(registration=registration)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in leaving]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE)
    assert errors == []
    assert rows.filter(status="registered").count() == 60
    assert rows.filter(status="waiting").count() == 38
    promoted = {r.pk for r in rows.filter(promoted_at__isnull=False)}
    assert promoted == {first_waiting[0].pk, first_waiting[1].pk}


def test_tasks_take_the_projects_safe_defaults():
    """acks_late etc. come from the CELERY_TASK_* settings, not from a copy in each app."""
    from trainings import tasks

    for task in (tasks.registration_email, tasks.registrations_remind, tasks.group_request_email):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.serializer == "json"


def test_everyone_not_yet_recorded_is_marked_present_through_the_single_mark(trainer):
    registration = _attending()
    session = registration.session
    others = [
        Registration.objects.create(session=session, user=UserFactory(), status="registered")
        for _ in range(2)
    ]
    services.attendance_mark(registration=others[0], status="absent", marked_by=trainer)
    Registration.objects.create(session=session, user=UserFactory(), status="waiting")
    marked = services.attendance_mark_all_present(session=session, marked_by=trainer)
    assert [a.registration_id for a in marked] == sorted([registration.pk, others[1].pk])
    assert Attendance.objects.get(registration=others[0]).status == "absent"
    # the same completion (and certificate) as one participant marked present
    for person in (registration.user, others[1].user):
        completion = Completion.objects.get(user=person, source="training")
        assert Certificate.objects.filter(completion=completion).exists()
    assert services.attendance_mark_all_present(session=session, marked_by=trainer) == []


def test_everyone_present_is_refused_outside_the_window_and_changes_nothing(trainer):
    registration = _attending(days=-9)
    with pytest.raises(TrainingError) as exc:
        services.attendance_mark_all_present(session=registration.session, marked_by=trainer)
    assert exc.value.code == "attendance_closed"
    assert not Attendance.objects.exists()


def test_check_in_does_not_override_what_the_trainer_recorded(user, trainer):
    registration = _attending(user=user, days=0)
    session = registration.session
    session.starts_at = timezone.now() - timedelta(minutes=10)
    session.save()
    services.attendance_mark(registration=registration, status="absent", marked_by=trainer)
    services.attendance_code_issue(session=session)
    with pytest.raises(TrainingError) as exc:
        services.attendance_check_in(user=user, code=session.attendance_code)
    assert (exc.value.status, exc.value.code) == (409, "recorded_absent")
    attendance = Attendance.objects.get(registration=registration)
    assert (attendance.status, attendance.method, attendance.marked_by) == (
        "absent",
        "trainer",
        trainer,
    )
    assert not Completion.objects.filter(user=user).exists()
    left = session.starts_at + timedelta(minutes=5)
    services.attendance_mark(
        registration=registration, status="partial", left_at=left, marked_by=trainer
    )
    with pytest.raises(TrainingError) as exc:
        services.attendance_check_in(user=user, code=session.attendance_code)
    assert exc.value.code == "recorded_partial"
    assert Attendance.objects.get(registration=registration).status == "partial"
    # the trainer corrects it: the check-in changes nothing more, the certificate follows
    services.attendance_mark(registration=registration, status="present", marked_by=trainer)
    attendance = services.attendance_check_in(user=user, code=session.attendance_code)
    assert (attendance.status, attendance.method) == ("present", "trainer")
    assert Completion.objects.filter(user=user, source="training").count() == 1


def test_session_changed_fills_new_places_and_refuses_too_few(django_capture_on_commit_callbacks):
    session = make_session(capacity=2)
    rows = [services.registration_create(session=session, user=UserFactory()) for _ in range(5)]
    before = services.session_lock(session=session)
    session.capacity = 1
    with pytest.raises(TrainingError) as exc:
        services.session_changed(before=before, session=session)
    assert exc.value.code == "capacity_below_registered"
    assert exc.value.details == {"registered": 2}
    session.capacity = 4
    with django_capture_on_commit_callbacks() as callbacks:
        promoted = services.session_changed(before=before, session=session)
    assert [r.pk for r in promoted] == [rows[2].pk, rows[3].pk]  # in order of registration
    # their promotion e-mails: a row each, handed to the workers together
    wanted = OutboxMessage.objects.filter(kind=services.REGISTRATION_EMAIL_WANTED)
    promotion_mails = wanted.filter(payload__kind="promoted")
    assert sorted(m.payload["registration_id"] for m in promotion_mails) == [
        rows[2].pk,
        rows[3].pk,
    ]
    assert len(callbacks) == 1
    assert Registration.objects.get(pk=rows[4].pk).status == "waiting"


TITLE = 'Hotels & B&B\'s: "herken" uitbuiting'


def test_a_subject_shows_the_training_title_as_written():
    """A subject is plain text: the title reads as written, not as &amp; and &#x27;."""
    session = make_session(make_format(title=TITLE))
    registration = services.registration_create(session=session, user=UserFactory())
    assert services.registration_email_ensure(registration_id=registration.pk, kind="confirmation")
    assert mail.outbox[-1].subject == f"Aangemeld: {TITLE}"


@pytest.mark.parametrize(
    "template",
    [
        "changed",
        "confirmation",
        "evaluation",
        "group_request",
        "group_request_new",
        "promoted",
        "reminder",
    ],
)
def test_every_subject_keeps_the_title_as_written(template):
    training = make_format(title=TITLE)
    message = mail_message(
        to=["a@example.org"],
        language="en",
        template=f"trainings/email/{template}",
        context={"training": training, "registration": None, "request": None},
    )
    assert TITLE in message.subject


@pytest.mark.parametrize("kind", ["confirmation", "reminder", "changed"])
def test_a_registration_e_mail_has_no_gap_of_empty_lines(kind):
    """The session's details end with the calendar link, then one blank line and the footer."""
    session = make_session(days=1)
    registration = services.registration_create(session=session, user=UserFactory())
    assert services.registration_email_send(registration=registration, kind=kind)
    body = mail.outbox[-1].body
    assert "agenda.ics\n\n" in body
    assert "\n\n\n" not in body


def test_the_waiting_list_e_mail_gives_the_date_a_waiting_place_can_be_given_up():
    """A place on the waiting list can be given up until the session starts (registration_cancel),
    not only until the cancellation deadline of a place."""
    session = make_session(capacity=1, days=5)
    services.registration_create(session=session, user=UserFactory())
    waiting = services.registration_create(
        session=session, user=UserFactory(preferred_language="en")
    )
    assert waiting.status == "waiting"
    assert services.registration_email_send(registration=waiting, kind="confirmation")
    body = mail.outbox[-1].body
    with translation.override("en"):
        starts = date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT")
        deadline = date_format(timezone.localtime(session.cancellation_deadline), "DATETIME_FORMAT")
    assert f"You can cancel until {starts}:" in body
    assert deadline not in body


def test_a_registration_e_mail_greets_the_person_by_name():
    session = make_session(days=1)
    named = services.registration_create(
        session=session, user=UserFactory(full_name="Agnieszka Kowalska", preferred_language="pl")
    )
    assert services.registration_email_send(registration=named, kind="confirmation")
    with translation.override("pl"):
        dear = translation.gettext("Dear %(name)s,") % {"name": "Agnieszka Kowalska"}
    assert mail.outbox[-1].body.startswith(f"{dear}\n\n")
    unnamed = services.registration_create(session=session, user=UserFactory(full_name=""))
    assert services.registration_email_send(registration=unnamed, kind="confirmation")
    with translation.override("nl"):
        assert mail.outbox[-1].body.startswith(f"{translation.gettext('Hello,')}\n\n")
