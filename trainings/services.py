"""Everything that changes registrations and attendance.

Capacity holds under concurrent requests because every change of a session's places first
locks the session row (SELECT ... FOR UPDATE): registrations, cancellations and promotions from
the waiting list of one session are serialised, different sessions never wait for each other."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.mail import mail_send, may_email, person_language
from accounts.plain_text import MESSAGE as PLAIN_TEXT_MESSAGE
from accounts.plain_text import has_forbidden_characters
from lms import selectors as lms_selectors
from lms import services as lms_services
from lms.signals import course_passed
from outbox.services import outbox_add, outbox_add_together, outbox_once_claim

from . import rules, selectors
from .errors import TrainingError
from .models import (
    ATTENDANCE_CODE_ALPHABET,
    ATTENDANCE_CODE_LENGTH,
    Attendance,
    GroupRequest,
    Registration,
    SessionEvaluation,
    TrainingCompletion,
    TrainingFormat,
    TrainingSession,
)

if TYPE_CHECKING:  # lms.models is not public: the type names what lms's services hand over
    from lms.models import Completion

logger = logging.getLogger(__name__)

Status = Registration.Status


def _lock_session(session: TrainingSession) -> TrainingSession:
    return (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("training_format")
        .get(pk=session.pk)
    )


def prerequisite_met(*, user, training_format: TrainingFormat) -> bool:
    """Blended learning: the format's e-learning (any language version) was passed."""
    course = training_format.prerequisite_course
    if course is None:
        return True
    return lms_selectors.completions(user=user, course_keys=[course.translation_key]).exists()


def registration_create(
    *, session: TrainingSession, user, invitation_token: str = "", now: datetime | None = None
) -> Registration:
    """Register `user` for `session`: a place while there is one, else the waiting list.

    Refused (nothing changed) when the session is not open to the person, has started, the
    prerequisite e-learning is not passed, or the person already holds a live registration."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(session)
        if not locked.is_published:
            raise TrainingError(_("This session does not exist."), code="not_found", status=404)
        if locked.is_closed and not secrets.compare_digest(
            invitation_token or "", locked.invitation_token
        ):
            raise TrainingError(
                _("This session is for an invited group only."),
                code="invitation_required",
                status=403,
            )
        if locked.starts_at <= now:
            raise TrainingError(
                _("Registration has closed: this session has started."),
                code="registration_closed",
                status=403,
            )
        fmt = locked.training_format
        if not prerequisite_met(user=user, training_format=fmt):
            assert fmt.prerequisite_course is not None
            raise TrainingError(
                _("First pass the e-learning “%(course)s”; then you can register.")
                % {"course": fmt.prerequisite_course.title},
                code="prerequisite_missing",
                status=403,
                details={"course_key": str(fmt.prerequisite_course.translation_key)},
            )
        if locked.registrations.filter(user=user).exclude(status=Status.CANCELLED).exists():
            raise TrainingError(
                _("You are already registered for this session."),
                code="already_registered",
                status=409,
            )
        registered = locked.registrations.filter(status=Status.REGISTERED).count()
        status = rules.status_for_new_registration(registered=registered, capacity=locked.capacity)
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    session=locked, user=user, status=status, created_at=now
                )
        except IntegrityError as exc:  # the unique live registration: a double click
            raise TrainingError(
                _("You are already registered for this session."),
                code="already_registered",
                status=409,
            ) from exc
        _enqueue_email(registration.pk, "confirmation")
    return registration


def registration_cancel(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Cancel until the format's deadline (a waiting-list place can be given up until the start).
    A freed place goes to the first person on the waiting list, exactly once."""
    now = now or timezone.now()
    with transaction.atomic():
        locked_session = _lock_session(registration.session)
        locked = Registration.objects.get(pk=registration.pk)
        if locked.status == Status.CANCELLED:
            raise TrainingError(
                _("This registration is already cancelled."), code="already_cancelled", status=409
            )
        if locked.status == Status.REGISTERED and not rules.may_cancel(
            now=now,
            starts_at=locked_session.starts_at,
            cancellation_hours=locked_session.training_format.cancellation_hours,
        ):
            raise TrainingError(
                _("The cancellation deadline has passed. Please contact the organiser."),
                code="cancellation_closed",
                status=403,
            )
        if locked.status == Status.WAITING and locked_session.starts_at <= now:
            raise TrainingError(
                _("This session has started."), code="registration_closed", status=403
            )
        freed = locked.status == Status.REGISTERED
        locked.status = Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        if freed and locked_session.starts_at > now:
            _promote_waiting(session=locked_session, now=now)
    return locked


def _promote_waiting(*, session: TrainingSession, now: datetime) -> list[Registration]:
    """Give the free places to the waiting list in order of registration (session row locked),
    each with the promotion e-mail."""
    registered = session.registrations.filter(status=Status.REGISTERED).count()
    free = session.capacity - registered
    if free <= 0:
        return []
    promoted = list(
        session.registrations.filter(status=Status.WAITING).order_by("created_at", "pk")[:free]
    )
    for registration in promoted:
        registration.status = Status.REGISTERED
        registration.promoted_at = now
    Registration.objects.bulk_update(promoted, ["status", "promoted_at"])
    _enqueue_emails([r.pk for r in promoted], "promoted")
    return promoted


# ----------------------------------------------------------------------------- admin changes


#: a change of these is told to the participants (session_changed)
SESSION_DETAIL_FIELDS = ("starts_at", "ends_at", "venue", "address", "online_url")


def session_lock(*, session: TrainingSession) -> TrainingSession:
    """The session as stored, its row locked until the transaction ends: call it before saving
    a change in the admin, and hand the result to session_changed after the save."""
    return _lock_session(session)


def session_capacity_refusal(*, session: TrainingSession, capacity: int) -> TrainingError | None:
    """Why `session` cannot get `capacity` places (None when it can): fewer places than people
    registered would leave someone without a place they were promised."""
    registered = session.registrations.filter(status=Status.REGISTERED).count()
    if capacity >= registered:
        return None
    return TrainingError(
        ngettext(
            "%(count)s person is registered for this session: the number of places cannot be "
            "lower than that.",
            "%(count)s people are registered for this session: the number of places cannot be "
            "lower than that.",
            registered,
        )
        % {"count": registered},
        code="capacity_below_registered",
        status=409,
        details={"registered": registered},
    )


def session_changed(
    *, before: TrainingSession, session: TrainingSession, now: datetime | None = None
) -> list[Registration]:
    """After an organiser saved `session` (`before`: the row session_lock returned, in the same
    transaction). Fewer places than people registered is refused (TrainingError, the caller's
    transaction is rolled back); free places (more places, or a session published again) go to
    the waiting list in order, as after a cancellation. When the time or place changed, everyone
    registered or waiting gets the new details (not for an unpublished or past session).
    Returns the promoted registrations."""
    now = now or timezone.now()
    if session.capacity != before.capacity:
        refusal = session_capacity_refusal(session=session, capacity=session.capacity)
        if refusal is not None:
            raise refusal
    details_changed = any(getattr(before, f) != getattr(session, f) for f in SESSION_DETAIL_FIELDS)
    if details_changed:
        # calendars replace an event whose SEQUENCE is higher (RFC 5545); the row is locked
        session.sequence = before.sequence + 1
        TrainingSession.objects.filter(pk=session.pk).update(sequence=session.sequence)
    if not session.is_published or session.ends_at <= now:
        return []
    promoted = _promote_waiting(session=session, now=now) if session.starts_at > now else []
    if details_changed:
        # who was just promoted has the new details in that e-mail already
        told = session.registrations.filter(status__in=(Status.REGISTERED, Status.WAITING))
        others = told.exclude(pk__in=[r.pk for r in promoted]).values_list("pk", flat=True)
        _enqueue_emails(list(others), "changed")
    return promoted


#: outbox kinds (ADR 0019): the e-mail is written in the transaction that wants it and sent by
#: the worker after the commit, or by the relay when the broker was down
REGISTRATION_EMAIL_WANTED = "trainings.registration_email"
GROUP_REQUEST_EMAIL_WANTED = "trainings.group_request_email"
GROUP_REQUEST_NEW_EMAIL_WANTED = "trainings.group_request_new_email"


def _enqueue_email(registration_id: int, kind: str) -> None:
    _enqueue_emails([registration_id], kind)


def _enqueue_emails(registration_ids: list[int], kind: str) -> None:
    """The `kind` e-mail of each registration, written to the outbox in one insert and handed
    to the workers as one task (a session of 60 people changed is one message, not 60); each
    e-mail stays its own row, retried and re-dispatched on its own (outbox_add_together)."""
    if registration_ids:
        outbox_add_together(
            messages=[
                (REGISTRATION_EMAIL_WANTED, {"registration_id": pk, "kind": kind})
                for pk in registration_ids
            ]
        )


def registration_email_ensure(*, registration_id: int, kind: str) -> bool:
    """Outbox handler: one registration e-mail, sent once (registration_email_send)."""
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        return False
    return registration_email_send(registration=registration, kind=kind)


# ----------------------------------------------------------------------------- e-mail

EMAIL_KINDS = ("confirmation", "promoted", "reminder", "evaluation", "changed")


def registration_email_send(*, registration: Registration, kind: str) -> bool:
    """Send one of the registration e-mails in the person's language, each once: the
    confirmation, the reminder and the evaluation invitation are marked on the registration
    (under its row lock); a promotion once per promotion and a changed time or place once per
    change (the session's sequence: after two quick changes, one e-mail with the latest
    details), through outbox_once_claim. The invitation only while the person may still
    evaluate."""
    if kind not in EMAIL_KINDS:
        raise ValueError(kind)
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("session__training_format", "session__region", "user")
            .get(pk=registration.pk)
        )
        user = locked.user
        if not may_email(user):
            return False
        if locked.status == Status.CANCELLED:
            return False
        if kind == "confirmation" and locked.confirmation_sent_at is not None:
            return False
        if kind == "changed" and not locked.session.is_published:
            return False
        if kind == "promoted" and (
            locked.promoted_at is None
            or not outbox_once_claim(
                key=f"trainings.promoted:{locked.pk}:{locked.promoted_at.timestamp():.6f}"
            )
        ):
            return False
        if kind == "changed" and not outbox_once_claim(
            key=f"trainings.changed:{locked.pk}:{locked.session.sequence}"
        ):
            return False
        if kind == "reminder" and (
            locked.reminder_sent_at is not None or locked.status != Status.REGISTERED
        ):
            return False
        if kind == "evaluation" and (
            locked.evaluation_invited_at is not None
            or evaluation_refusal(
                registration=locked,
                attendance_status=selectors.attendance_status_of(registration=locked),
                now=timezone.now(),
            )
            is not None
        ):
            return False
        language = person_language(user)
        with translation.override(language):
            session = locked.session
            context = {
                "registration": locked,
                "session": session,
                "training": session.training_format.localized,
                "starts_at": timezone.localtime(session.starts_at),
                "ends_at": timezone.localtime(session.ends_at),
                "session_url": settings.SITE_URL
                + reverse("trainings:session", args=[session.public_id]),
                "calendar_url": settings.SITE_URL
                + reverse("trainings:session_ics", args=[session.public_id]),
                "evaluation_url": settings.SITE_URL
                + reverse("trainings:evaluation", args=[session.public_id]),
                "evaluation_closes_at": timezone.localtime(
                    rules.evaluation_closes_at(ends_at=session.ends_at)
                ),
            }
            mail_send(
                to=user.email,
                language=language,
                template=f"trainings/email/{kind}",
                context=context,
            )
        now = timezone.now()
        if kind == "confirmation":
            locked.confirmation_sent_at = now
            locked.save(update_fields=["confirmation_sent_at"])
        elif kind == "reminder":
            locked.reminder_sent_at = now
            locked.save(update_fields=["reminder_sent_at"])
        elif kind == "evaluation":
            locked.evaluation_invited_at = now
            locked.save(update_fields=["evaluation_invited_at"])
    return True


def registrations_remind(*, now: datetime | None = None) -> int:
    """Beat: the reminder to everyone registered for a session that starts within two days."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Status.REGISTERED,
        reminder_sent_at__isnull=True,
        session__is_published=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + rules.REMINDER_BEFORE,
    ).order_by("pk")
    sent = 0
    for registration in due.iterator():
        if registration_email_send(registration=registration, kind="reminder"):
            sent += 1
    return sent


def evaluations_invite(*, now: datetime | None = None) -> int:
    """Beat: invite everyone who attended (in full or partly) a session that has ended to
    evaluate it, once, while the evaluation is open. After the end rather than when attendance
    is marked: attendance is often marked at the start (the code) or corrected later, and the
    participant can only judge the whole session; a marking made afterwards (up to a week) is
    picked up by the next run (ADR 0017)."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Status.REGISTERED,
        evaluation_invited_at__isnull=True,
        evaluated=False,
        attendance__status__in=rules.EVALUATION_ATTENDANCE,
        session__ends_at__lte=now,
        session__ends_at__gte=now - rules.EVALUATION_OPEN_AFTER,
    ).order_by("pk")
    sent = 0
    for registration in due.iterator():
        if registration_email_send(registration=registration, kind="evaluation"):
            sent += 1
    return sent


# ----------------------------------------------------------------------------- attendance


def _attendance_window_check(*, session: TrainingSession, now: datetime) -> None:
    if not rules.attendance_window_open(
        now=now, starts_at=session.starts_at, ends_at=session.ends_at
    ):
        raise TrainingError(
            _(
                "Attendance can be recorded from half an hour before the start until a week after the end."
            ),
            code="attendance_closed",
            status=403,
        )


def attendance_code_issue(
    *, session: TrainingSession, now: datetime | None = None
) -> TrainingSession:
    """A new short code for participants to scan or type; the previous one stops working."""
    now = now or timezone.now()
    _attendance_window_check(session=session, now=now)
    code = "".join(secrets.choice(ATTENDANCE_CODE_ALPHABET) for _i in range(ATTENDANCE_CODE_LENGTH))
    session.attendance_code = code
    session.attendance_code_expires_at = now + timedelta(minutes=rules.ATTENDANCE_CODE_MINUTES)
    session.save(update_fields=["attendance_code", "attendance_code_expires_at"])
    return session


def attendance_check_in(*, user, code: str, now: datetime | None = None) -> Attendance:
    """A participant confirms presence with the code the trainer shows (scanned or typed). What
    the trainer recorded wins: after "absent" or "left early" the check-in is refused."""
    now = now or timezone.now()
    code = "".join(code.split()).upper()
    sessions = list(
        TrainingSession.objects.filter(
            attendance_code=code, attendance_code_expires_at__gt=now
        ).select_related("training_format")
        if code
        else []
    )
    if not sessions:
        raise TrainingError(
            _(
                "This attendance code is unknown or has expired. Ask the trainer for the current code."
            ),
            code="invalid_code",
            status=400,
        )
    registration = (
        Registration.objects.filter(session__in=sessions, user=user, status=Status.REGISTERED)
        .select_related("session__training_format")
        .first()
    )
    if registration is None:
        raise TrainingError(
            _("You are not registered for this session, so your attendance cannot be recorded."),
            code="not_registered",
            status=409,
        )
    return attendance_mark(
        registration=registration,
        status=Attendance.Status.PRESENT,
        method=Attendance.Method.CODE,
        marked_by=user,
        now=now,
    )


def attendance_mark(
    *,
    registration: Registration,
    status: str,
    marked_by,
    method: str = Attendance.Method.TRAINER,
    left_at: datetime | None = None,
    now: datetime | None = None,
) -> Attendance:
    """Record attendance of a registered participant (also afterwards, within a week). Full
    attendance completes the training: a Completion goes the same way as an e-learning pass."""
    now = now or timezone.now()
    session = registration.session
    if status not in Attendance.Status.values:
        raise TrainingError(_("Choose present, left early or absent."), code="invalid", status=400)
    if registration.status != Status.REGISTERED:
        raise TrainingError(
            _("This person is not registered for the session, so attendance cannot be recorded."),
            code="not_registered",
            status=409,
        )
    _attendance_window_check(session=session, now=now)
    if status == Attendance.Status.PARTIAL:
        if left_at is None:
            raise TrainingError(
                _("Enter the time the participant left."), code="left_at_required", status=400
            )
        if not session.starts_at <= left_at <= session.ends_at:
            raise TrainingError(
                _("The time of leaving must lie within the session."),
                code="invalid_left_at",
                status=400,
            )
    else:
        left_at = None
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != Status.REGISTERED:
            raise TrainingError(
                _(
                    "This person is not registered for the session, so attendance cannot be recorded."
                ),
                code="not_registered",
                status=409,
            )
        if method == Attendance.Method.CODE:
            recorded = Attendance.objects.filter(
                registration=locked, method=Attendance.Method.TRAINER
            ).first()
            if recorded is not None:
                _check_in_over_trainer(recorded)
                return recorded  # the trainer already recorded them present
        if TrainingCompletion.objects.filter(registration=locked).exists():
            if status == Attendance.Status.PRESENT:
                return locked.attendance
            raise TrainingError(
                _(
                    "This participant's training is completed and certified; programme staff can revoke the certificate if it was recorded by mistake."
                ),
                code="completed",
                status=409,
            )
        attendance, _created = Attendance.objects.update_or_create(
            registration=locked,
            defaults={
                "status": status,
                "left_at": left_at,
                "method": method,
                "marked_by": marked_by,
            },
        )
        if status == Attendance.Status.PRESENT:
            training_complete(registration=locked, now=now)
    return attendance


def _check_in_over_trainer(recorded: Attendance) -> None:
    """The trainer's record wins over the participant's own check-in: a check-in after the
    trainer recorded them absent or leaving early is refused (present stays present)."""
    if recorded.status == Attendance.Status.ABSENT:
        raise TrainingError(
            _("Your trainer recorded you as absent. If you are here, ask them to correct it."),
            code="recorded_absent",
            status=409,
        )
    if recorded.status == Attendance.Status.PARTIAL:
        raise TrainingError(
            _(
                "Your trainer recorded that you left early. If that is wrong, ask them to correct it."
            ),
            code="recorded_partial",
            status=409,
        )


def attendance_mark_all_present(
    *, session: TrainingSession, marked_by, now: datetime | None = None
) -> list[Attendance]:
    """Mark every registered participant of `session` whose attendance is not recorded yet as
    present, each through attendance_mark (so completions and certificates follow exactly as
    for one), in one transaction: all of them or, when one is refused, none. Someone recorded
    meanwhile (a check-in, another trainer) is left as recorded. Returns the new records."""
    now = now or timezone.now()
    _attendance_window_check(session=session, now=now)
    marked = []
    with transaction.atomic():
        pending = (
            Registration.objects.select_for_update(of=("self",))
            .filter(session=session, status=Status.REGISTERED, attendance__isnull=True)
            .select_related("session__training_format", "user")
            .order_by("pk")
        )
        for registration in pending:
            # recorded while this waited for the row lock: leave that record as it is
            if Attendance.objects.filter(registration=registration).exists():
                continue
            marked.append(
                attendance_mark(
                    registration=registration,
                    status=Attendance.Status.PRESENT,
                    marked_by=marked_by,
                    now=now,
                )
            )
    return marked


def training_complete(
    *, registration: Registration, now: datetime | None = None
) -> Completion | None:
    """Create the person's Completion for the format (once per person and format, whatever
    session they attended) through lms, and announce it with lms's `course_passed` in the same
    transaction, exactly as an e-learning pass: certificates records the certificate, reporting
    its kept counts. None when the format gives no certificate, the prerequisite e-learning is
    not passed, or the person completed before."""
    now = now or timezone.now()
    session = registration.session
    fmt = session.training_format
    if not fmt.issues_certificate:
        return None
    user = registration.user
    if not prerequisite_met(user=user, training_format=fmt):
        return None
    if lms_selectors.completions(user=user, course_keys=[fmt.translation_key]).exists():
        return None
    with translation.override(person_language(user)):
        title = fmt.localized.title
    try:
        with transaction.atomic():
            completion = lms_services.completion_create_training(
                user=user,
                course_key=fmt.translation_key,
                title=title,
                completed_at=rules.completion_time(now=now, ends_at=session.ends_at),
            )
            TrainingCompletion.objects.create(
                completion=completion, session=session, registration=registration
            )
            course_passed.send(sender=type(completion), completion=completion)
    except IntegrityError:
        return None  # a concurrent check-in of the same person won
    return completion


def trainings_complete_after_prerequisite(*, completion: Completion) -> list[Completion]:
    """Blended learning in the other order: the person attended in full before passing the
    prerequisite e-learning `completion` is for. Each format that asks for that e-learning and
    that they attended is completed now (called from lms's `course_passed`, in the pass's
    transaction)."""
    if completion.source != type(completion).Source.ELEARNING:
        return []
    attended = (
        Registration.objects.filter(
            user_id=completion.user_id,
            status=Status.REGISTERED,
            attendance__status=Attendance.Status.PRESENT,
            session__training_format__prerequisite_course__translation_key=completion.course_key,
            completion_link__isnull=True,
        )
        .select_related("session__training_format__prerequisite_course", "user")
        .order_by("session__ends_at", "pk")
    )
    completed = []
    for registration in attended:  # one per format: training_complete skips the rest
        created = training_complete(registration=registration, now=completion.completed_at)
        if created is not None:
            completed.append(created)
    return completed


# ----------------------------------------------------------------------------- group requests


def group_request_create(
    *,
    user,
    training_format: TrainingFormat,
    organisation_name: str,
    group_size: int,
    region,
    preferred_dates: str,
    message: str = "",
) -> GroupRequest:
    """An organisation asks for a training for its group; the size must fit the format, and
    the format must have an organiser, who is e-mailed about the request (after commit)."""
    if not training_format.min_group_size <= group_size <= training_format.max_group_size:
        raise TrainingError(
            _("This training is given to groups of %(min)s to %(max)s participants.")
            % {"min": training_format.min_group_size, "max": training_format.max_group_size},
            code="group_size",
            status=400,
        )
    if not training_format.organisers.exists():  # nobody would answer it
        raise TrainingError(
            _("This training cannot be requested for a group."),
            code="no_organiser",
            status=400,
        )
    with transaction.atomic():
        request = GroupRequest.objects.create(
            training_format=training_format,
            requested_by=user,
            organisation_name=organisation_name.strip(),
            group_size=group_size,
            region=region,
            preferred_dates=preferred_dates.strip(),
            message=message.strip(),
        )
        outbox_add(kind=GROUP_REQUEST_NEW_EMAIL_WANTED, payload={"request_id": request.pk})
    return request


def _decide(request: GroupRequest, *, by, status: str, response: str) -> GroupRequest:
    locked = GroupRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status in (GroupRequest.Status.ACCEPTED, GroupRequest.Status.DECLINED):
        raise TrainingError(
            _("This request has already been answered."), code="already_decided", status=409
        )
    locked.status = status
    locked.response = response.strip()
    locked.decided_by = by
    locked.decided_at = timezone.now()
    return locked


def group_request_accept(
    *,
    request: GroupRequest,
    by,
    starts_at: datetime,
    venue: str,
    address: str,
    online_url: str = "",
    trainers: Sequence = (),
    response: str = "",
) -> GroupRequest:
    """Accept: a closed, published session for the group (capacity = group size) whose
    invitation link the requester shares with the group. The session must pass the same
    checks as one planned in the admin (TrainingSession.clean: address and region on
    location, a link online) and its trainers must be eligible; otherwise nothing changes
    (TrainingError whose details["fields"] name the fields, as the admin form would)."""
    if starts_at <= timezone.now():
        raise TrainingError(_("Choose a date in the future."), code="date_in_past", status=400)
    with transaction.atomic():
        locked = _decide(request, by=by, status=GroupRequest.Status.ACCEPTED, response=response)
        fmt = locked.training_format
        session = TrainingSession(
            training_format=fmt,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=fmt.duration_minutes),
            venue=venue.strip(),
            address=address.strip(),
            region=locked.region,
            online_url=online_url.strip(),
            capacity=locked.group_size,
            is_published=True,
            is_closed=True,
        )
        try:
            session.full_clean()
        except ValidationError as exc:
            raise TrainingError(
                " ".join(exc.messages),
                code="invalid_session",
                status=400,
                details={"fields": exc.message_dict},
            ) from exc
        trainers = list(trainers)
        missing = selectors.trainers_not_eligible(training_format=fmt, trainers=trainers)
        if missing:
            message = _("Not eligible as trainer (train-the-trainer not completed): %(names)s") % {
                "names": ", ".join(p.full_name or p.email for p in missing)
            }
            raise TrainingError(
                message,
                code="invalid_session",
                status=400,
                details={"fields": {"trainers": [message]}},
            )
        session.save()
        session.trainers.set(trainers)
        locked.session = session
        locked.save()
        _enqueue_group_request_email(locked.pk)
    return locked


def group_request_propose(
    *, request: GroupRequest, by, starts_at: datetime, response: str = ""
) -> GroupRequest:
    """Propose another date; the organiser accepts once the requester agrees."""
    if starts_at <= timezone.now():
        raise TrainingError(_("Choose a date in the future."), code="date_in_past", status=400)
    with transaction.atomic():
        locked = _decide(request, by=by, status=GroupRequest.Status.PROPOSED, response=response)
        locked.proposed_starts_at = starts_at
        locked.save()
        _enqueue_group_request_email(locked.pk)
    return locked


def group_request_decline(*, request: GroupRequest, by, response: str) -> GroupRequest:
    if not response.strip():
        raise TrainingError(
            _("Tell the requester why the request is declined."), code="reason_required", status=400
        )
    with transaction.atomic():
        locked = _decide(request, by=by, status=GroupRequest.Status.DECLINED, response=response)
        locked.save()
        _enqueue_group_request_email(locked.pk)
    return locked


def group_request_agree(*, request: GroupRequest, user) -> GroupRequest:
    """The requester agrees to the proposed date: the request waits for the organiser again,
    now with that date, and the organiser accepts it."""
    with transaction.atomic():
        locked = GroupRequest.objects.select_for_update().get(pk=request.pk)
        if locked.requested_by_id != user.pk:
            raise TrainingError(_("This request does not exist."), code="not_found", status=404)
        if locked.status != GroupRequest.Status.PROPOSED or locked.proposed_starts_at is None:
            raise TrainingError(
                _("There is no proposed date to agree to."), code="nothing_proposed", status=409
            )
        local = timezone.localtime(locked.proposed_starts_at)
        locked.preferred_dates = _("Agreed: %(date)s") % {"date": f"{local:%d-%m-%Y %H:%M}"}
        locked.status = GroupRequest.Status.PENDING
        locked.save(update_fields=["preferred_dates", "status"])
    return locked


def _enqueue_group_request_email(request_id: int) -> None:
    outbox_add(kind=GROUP_REQUEST_EMAIL_WANTED, payload={"request_id": request_id})


def _group_request_loaded(request_id: int) -> GroupRequest | None:
    return (
        GroupRequest.objects.select_related("requested_by", "session", "training_format", "region")
        .filter(pk=request_id)
        .first()
    )


def group_request_email_ensure(*, request_id: int) -> bool:
    """Outbox handler: the organiser's answer to the requester, sent once per answer."""
    request = _group_request_loaded(request_id)
    return request is not None and group_request_email_send(request=request)


def group_request_new_email_ensure(*, request_id: int) -> int:
    """Outbox handler: a new request to the training's organisers, once to each."""
    request = _group_request_loaded(request_id)
    return 0 if request is None else group_request_new_email_send(request=request)


@transaction.atomic
def group_request_email_send(*, request: GroupRequest) -> bool:
    """Tell the requester the organiser's answer, in their language, once per answer (its
    status and time: a changed answer is a new e-mail)."""
    user = request.requested_by
    if not may_email(user):
        return False
    if request.status == GroupRequest.Status.PENDING:
        return False
    decided = f"{request.decided_at.timestamp():.6f}" if request.decided_at else ""
    if not outbox_once_claim(key=f"trainings.group_answer:{request.pk}:{request.status}:{decided}"):
        return False
    language = person_language(user)
    with translation.override(language):
        invitation_url = ""
        if request.session is not None:
            invitation_url = (
                settings.SITE_URL
                + reverse("trainings:session", args=[request.session.public_id])
                + f"?uitnodiging={request.session.invitation_token}"
            )
        context = {**_group_request_context(request), "invitation_url": invitation_url}
        mail_send(
            to=user.email,
            language=language,
            template="trainings/email/group_request",
            context=context,
        )
    return True


def _group_request_context(request: GroupRequest) -> dict:
    """What both group-request e-mails show, in the active language: the request, its training
    and the address of the request's page."""
    return {
        "request": request,
        "training": request.training_format.localized,
        "request_url": settings.SITE_URL + reverse("trainings:group_request", args=[request.pk]),
    }


def group_request_new_email_send(*, request: GroupRequest) -> int:
    """Tell the organisers of the requested training about a new request, each in their own
    language and once (a retry after a failure writes only to those not written to yet);
    returns how many were written to now."""
    sent = 0
    for organiser in request.training_format.organisers.order_by("pk"):
        if not may_email(organiser):
            continue
        with transaction.atomic():
            if outbox_once_claim(key=f"trainings.group_request:{request.pk}:{organiser.pk}"):
                _group_request_new_email_write(request=request, organiser=organiser)
                sent += 1
    return sent


def _group_request_new_email_write(*, request: GroupRequest, organiser) -> None:
    language = person_language(organiser)
    with translation.override(language):
        context = _group_request_context(request)
        mail_send(
            to=organiser.email,
            language=language,
            template="trainings/email/group_request_new",
            context=context,
        )


# ----------------------------------------------------------------------------- evaluation


def evaluation_refusal(
    *,
    registration: Registration | None,
    attendance_status: str | None,
    now: datetime,
    check_evaluated: bool = True,
) -> TrainingError | None:
    """Why `registration`'s person may not evaluate its session now (None when they may): the
    one answer for the form, the API and evaluation_submit. Not attended (403), the evaluation
    not open (403), or already answered (409)."""
    if (
        registration is None
        or registration.status != Status.REGISTERED
        or attendance_status not in rules.EVALUATION_ATTENDANCE
    ):
        return TrainingError(
            _("Only participants who attended the session can evaluate it, after it starts."),
            code="not_attended",
            status=403,
        )
    session = registration.session
    if not rules.evaluation_open(now=now, starts_at=session.starts_at, ends_at=session.ends_at):
        closes = timezone.localtime(rules.evaluation_closes_at(ends_at=session.ends_at))
        return TrainingError(
            _("The evaluation of this session is open from its start until %(date)s.")
            % {"date": f"{closes:%d-%m-%Y}"},
            code="evaluation_closed",
            status=403,
        )
    if check_evaluated and registration.evaluated:
        return TrainingError(
            _("You have already evaluated this session. Thank you!"),
            code="already_evaluated",
            status=409,
        )
    return None


def evaluation_submit(
    *,
    registration: Registration,
    usefulness: int,
    trainer_clarity: int,
    confidence: int,
    would_recommend: bool,
    comment: str = "",
    now: datetime | None = None,
) -> SessionEvaluation:
    """Store a participant's evaluation of the session they attended, once. The answers are
    stored without the person; only the registration's `evaluated` flag says they answered
    (ADR 0017, Evaluation)."""
    now = now or timezone.now()
    scores = {
        "usefulness": usefulness,
        "trainer_clarity": trainer_clarity,
        "confidence": confidence,
    }
    for value in scores.values():
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not rules.EVALUATION_SCALE_MIN <= value <= rules.EVALUATION_SCALE_MAX
        ):
            raise TrainingError(
                _("Answer each question with a number from %(min)s to %(max)s.")
                % {"min": rules.EVALUATION_SCALE_MIN, "max": rules.EVALUATION_SCALE_MAX},
                code="invalid",
                status=400,
            )
    comment = (comment or "").strip()
    if len(comment) > rules.EVALUATION_COMMENT_MAX_LENGTH:
        raise TrainingError(
            _("The comment is too long: at most %(count)s characters.")
            % {"count": rules.EVALUATION_COMMENT_MAX_LENGTH},
            code="invalid",
            status=400,
        )
    if has_forbidden_characters(comment):
        raise TrainingError(str(PLAIN_TEXT_MESSAGE), code="invalid", status=400)
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("session")
            .get(pk=registration.pk)
        )
        attendance = Attendance.objects.filter(registration=locked).first()
        refusal = evaluation_refusal(
            registration=locked,
            attendance_status=attendance.status if attendance else None,
            now=now,
            check_evaluated=False,  # the conditional update below decides, under the lock
        )
        if refusal is not None:
            raise refusal
        # the flag is set only if it was not set yet: a second submission (another tab, a
        # double click) finds it set and changes nothing
        if not Registration.objects.filter(pk=locked.pk, evaluated=False).update(evaluated=True):
            raise TrainingError(
                _("You have already evaluated this session. Thank you!"),
                code="already_evaluated",
                status=409,
            )
        return SessionEvaluation.objects.create(
            session_id=locked.session_id,
            would_recommend=bool(would_recommend),
            comment=comment,
            **scores,
        )
