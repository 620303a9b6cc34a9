"""Trainings on location in the JSON API (/api/v1/trainings).

The list and a session's details are public (a closed session only with its invitation token);
registering and cancelling need a login; attendance only for the session's trainers, the
organisers of its format and programme staff (anyone else: 404, so session ids of closed
sessions are not confirmed)."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictBool, StrictInt, StringConstraints

from accounts.api_auth import AUTH
from accounts.api_schema import (
    AUTHENTICATED,
    PLAIN_TEXT_PATTERN,
    WITH_BODY,
    BodyIn,
    Id64,
    PlainStr,
    responses,
)
from accounts.models import Region
from courses.api import PageQuery

from . import rules, selectors, services
from .errors import TrainingError
from .models import Attendance, Delivery, Registration, TrainingFormat, TrainingSession

router = Router(tags=["trainings"], auth=AUTH)

#: What the operations answer besides success (docs/api.md): a parameter that is not valid
#: (400/422) or no such (visible) session (404); behind a login also no login, not allowed or
#: too many wrong tokens (401/403/429); a change also a body that is not JSON, too large or
#: does not fit (400/413/422) and a conflict with the registration's state (409).
PUBLIC = (400, 404, 422)
READ = (*PUBLIC, *AUTHENTICATED)
WRITE = (*READ, *WITH_BODY, 409)

#: An invitation token (`TrainingSession.invitation_token`) or a search: plain text, bounded.
Token = Annotated[str, StringConstraints(max_length=40, pattern=PLAIN_TEXT_PATTERN)]
Search = Annotated[str, StringConstraints(max_length=100, pattern=PLAIN_TEXT_PATTERN)]
_INVITATION_QUERY = Query("", description="invitation token of a closed session")


class SessionOut(Schema):
    id: UUID
    training_key: UUID
    title: str
    description: str
    organiser: str
    audience: str
    delivery: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    address: str
    region: str | None
    capacity: int
    places_taken: int
    prerequisite_course_key: UUID | None
    cancellation_deadline: datetime
    calendar_url: str
    url: str


class SessionPage(Schema):
    items: list[SessionOut]
    count: int
    page: int
    page_size: int


class RegistrationOut(Schema):
    id: int
    session: UUID
    status: str
    created_at: datetime
    promoted_at: datetime | None


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    count: int
    page: int
    page_size: int


class ParticipantOut(Schema):
    registration: int
    name: str
    email: str
    attendance: str | None
    left_at: datetime | None


class AttendanceIn(BodyIn):
    registration: Id64
    status: Attendance.Status
    left_at: datetime | None = Field(
        None, description="when the participant left (status 'partial')"
    )


class AttendanceOut(Schema):
    registration: int
    status: str
    left_at: datetime | None
    method: str


class SessionFilters(PageQuery):
    region: Search | None = Field(None, description="region code (slug), e.g. 'utrecht'")
    training: UUID | None = Field(None, description="training_key of a training format")
    delivery: Delivery | None = None


def _session_out(
    session: TrainingSession,
    places_taken: int | None = None,
    training: TrainingFormat | None = None,
) -> dict:
    training = training or session.training_format.localized
    prerequisite = session.training_format.prerequisite_course
    if places_taken is None:
        places_taken = session.registrations.filter(status=Registration.Status.REGISTERED).count()
    return {
        "id": session.public_id,
        "training_key": session.training_format.translation_key,
        "title": training.title,
        "description": training.description,
        "organiser": training.organiser,
        "audience": training.audience,
        "delivery": training.delivery,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue": session.venue,
        "address": session.address,
        "region": session.region.slug if session.region is not None else None,
        "capacity": session.capacity,
        "places_taken": places_taken,
        "prerequisite_course_key": prerequisite.translation_key if prerequisite else None,
        "cancellation_deadline": session.cancellation_deadline,
        "calendar_url": reverse("trainings:session_ics", args=[session.public_id]),
        "url": reverse("trainings:session", args=[session.public_id]),
    }


def _registration_out(registration: Registration) -> dict:
    return {
        "id": registration.pk,
        "session": registration.session.public_id,
        "status": registration.status,
        "created_at": registration.created_at,
        "promoted_at": registration.promoted_at,
    }


@router.get(
    "",
    auth=None,
    response=responses({200: SessionPage}, 400, 422),
    summary="Published sessions open for registration, per region, training and format",
)
def session_list(request: HttpRequest, filters: Query[SessionFilters]):
    region = None
    if filters.region:
        region = Region.objects.filter(slug=filters.region).first()
        if region is None:
            raise TrainingError(_("Unknown region."), code="unknown_region", status=400)
    sessions = selectors.sessions_listed(
        region=region, training_format_key=filters.training, delivery=filters.delivery or ""
    )
    count = sessions.count()
    start = (filters.page - 1) * filters.page_size
    page = list(sessions[start : start + filters.page_size])
    trainings = selectors.formats_localized(s.training_format for s in page)
    return {
        "items": [
            _session_out(s, s.registered_count, trainings[s.training_format_id])  # type: ignore[attr-defined]
            for s in page
        ],
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.get(
    "/{uuid:session_id}",
    auth=None,
    response=responses({200: SessionOut}, *PUBLIC),
    summary="One published session (a closed one with ?invitation=<token>)",
)
def session_detail(request: HttpRequest, session_id: UUID, invitation: Token = ""):
    return _session_out(selectors.session_public(public_id=session_id, invitation_token=invitation))


@router.post(
    "/{uuid:session_id}/registrations",
    response=responses({201: RegistrationOut}, *WRITE),
    summary="Register (a place, or the waiting list when the session is full)",
)
def register(
    request: HttpRequest,
    session_id: UUID,
    invitation: Token = _INVITATION_QUERY,
):
    session = selectors.session_public(public_id=session_id, invitation_token=invitation)
    registration = services.registration_create(
        session=session, user=request.user, invitation_token=invitation
    )
    return Status(201, _registration_out(registration))


@router.delete(
    "/{uuid:session_id}/registrations/me",
    response=responses({200: RegistrationOut}, *WRITE),
    summary="Cancel my registration (until the cancellation deadline)",
)
def cancel(request: HttpRequest, session_id: UUID):
    session = get_object_or_404(TrainingSession, public_id=session_id)
    registration = selectors.registration_of(user=request.user, session=session)
    if registration is None:
        raise TrainingError(
            _("You are not registered for this session."), code="not_registered", status=404
        )
    return _registration_out(services.registration_cancel(registration=registration))


@router.get(
    "/me/registrations",
    response=responses({200: RegistrationPage}, 400, 422, *AUTHENTICATED),
    summary="My registrations (not cancelled), paged",
)
def my_registrations(request: HttpRequest, paging: Query[PageQuery]):
    registrations = selectors.my_registrations(user=request.user)
    start = (paging.page - 1) * paging.page_size
    return {
        "items": [_registration_out(r) for r in registrations[start : start + paging.page_size]],
        "count": registrations.count(),
        "page": paging.page,
        "page_size": paging.page_size,
    }


@router.get(
    "/{uuid:session_id}/participants",
    response=responses({200: list[ParticipantOut]}, *READ),
    summary="Registered participants and their attendance (trainers and organisers)",
)
def participants(request: HttpRequest, session_id: UUID, q: Search = ""):
    session = selectors.session_for_trainer(user=request.user, public_id=session_id)
    rows = []
    for registration in selectors.participants(session=session, search=q):
        attendance = getattr(registration, "attendance", None)
        rows.append(
            {
                "registration": registration.pk,
                "name": registration.user.full_name,
                "email": registration.user.email,
                "attendance": attendance.status if attendance else None,
                "left_at": attendance.left_at if attendance else None,
            }
        )
    return rows


@router.put(
    "/{uuid:session_id}/attendance",
    response=responses({200: AttendanceOut}, *WRITE),
    summary="Record a participant's attendance (trainers and organisers, until a week after)",
)
def attendance_mark(request: HttpRequest, session_id: UUID, body: AttendanceIn):
    session = selectors.session_for_trainer(user=request.user, public_id=session_id)
    registration = session.registrations.filter(pk=body.registration).first()
    if registration is None:
        raise TrainingError(
            _("This person is not registered for the session, so attendance cannot be recorded."),
            code="not_registered",
            status=409,
        )
    attendance = services.attendance_mark(
        registration=registration, status=body.status, left_at=body.left_at, marked_by=request.user
    )
    return {
        "registration": registration.pk,
        "status": attendance.status,
        "left_at": attendance.left_at,
        "method": attendance.method,
    }


# ----------------------------------------------------------------------------- evaluation

#: A score on the evaluation's scale; strict, so "4" or true is refused (422), not read as 4.
Score = Annotated[StrictInt, Field(ge=rules.EVALUATION_SCALE_MIN, le=rules.EVALUATION_SCALE_MAX)]


class EvaluationIn(BodyIn):
    usefulness: Score
    trainer_clarity: Score
    confidence: Score = Field(description="confidence to recognise signals afterwards")
    would_recommend: StrictBool
    comment: PlainStr = Field("", max_length=rules.EVALUATION_COMMENT_MAX_LENGTH)


class EvaluationSubmittedOut(Schema):
    session: UUID
    evaluated: bool


class ScoreCountOut(Schema):
    score: int
    answers: int
    percent: int


class QuestionResultOut(Schema):
    question: str
    label: str
    average: float | None
    distribution: list[ScoreCountOut]


class EvaluationResultsOut(Schema):
    answers: int | str = Field(description='the number of answers; "<5" for 1 to 4')
    suppressed: bool = Field(
        description="fewer than 5 answers: no figures or comments are given (ADR 0017)"
    )
    recommend_percent: int | None
    questions: list[QuestionResultOut]
    comments: list[str] = Field(description="without names, in alphabetical order")


class SessionResultsOut(EvaluationResultsOut):
    session: UUID
    starts_at: datetime


class FormatResultsOut(Schema):
    training_key: UUID
    title: str
    total: EvaluationResultsOut = Field(
        description="over the sessions with at least 5 answers (the others are not included)"
    )
    sessions: list[SessionResultsOut] = Field(description="sessions with answers, without comments")


def _results_out(results: selectors.EvaluationResults) -> dict:
    return {
        "answers": results.count_cell,
        "suppressed": results.suppressed,
        "recommend_percent": results.recommend_percent,
        "questions": [
            {
                "question": field,
                "label": question.label,
                "average": question.average,
                "distribution": [
                    {"score": score, "answers": answers, "percent": percent}
                    for score, answers, percent in question.distribution
                ],
            }
            for field, question in zip(
                rules.EVALUATION_SCALE_QUESTIONS, results.questions, strict=False
            )
        ],
        "comments": results.comments,
    }


@router.post(
    "/{uuid:session_id}/evaluation",
    response=responses({201: EvaluationSubmittedOut}, *WRITE),
    summary="Evaluate a session I attended (once, from its start until four weeks after its end)",
)
def evaluation_submit(request: HttpRequest, session_id: UUID, body: EvaluationIn):
    session = selectors.session_visible_to(user=request.user, public_id=session_id)
    registration = selectors.registration_of(user=request.user, session=session)
    if registration is None:
        raise TrainingError(
            _("Only participants who attended the session can evaluate it, after it starts."),
            code="not_attended",
            status=403,
        )
    services.evaluation_submit(registration=registration, **body.model_dump())
    return Status(201, {"session": session.public_id, "evaluated": True})


@router.get(
    "/{uuid:session_id}/evaluation/results",
    response=responses({200: SessionResultsOut}, *READ),
    summary="A session's evaluation results (its trainers, the training's organisers, staff)",
)
def evaluation_results(request: HttpRequest, session_id: UUID):
    session = selectors.session_for_trainer(user=request.user, public_id=session_id)
    return {
        **_results_out(selectors.evaluation_results_for_session(session=session)),
        "session": session.public_id,
        "starts_at": session.starts_at,
    }


@router.get(
    "/formats/{uuid:training_key}/evaluation/results",
    response=responses({200: FormatResultsOut}, *READ),
    summary="A training's evaluation results over all its sessions (organisers, staff)",
)
def format_evaluation_results(request: HttpRequest, training_key: UUID):
    training_format = selectors.format_for_evaluations_by_key(
        user=request.user, translation_key=training_key
    )
    total, per_session = selectors.evaluation_results_for_format(training_format=training_format)
    return {
        "training_key": training_format.translation_key,
        "title": training_format.localized.title,
        "total": _results_out(total),
        "sessions": [
            {
                **_results_out(results),
                "session": session.public_id,
                "starts_at": session.starts_at,
            }
            for session, results in per_session
        ],
    }
