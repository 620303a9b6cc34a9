"""Read queries shared by views, the API and the calendar feeds."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from wagtail.models import Locale

from accounts import roles
from accounts.models import Region
from accounts.small_counts import SMALL_CELL_THRESHOLD, Cell, is_small, suppress
from certificates import selectors as certificate_selectors
from lms import selectors as lms_selectors

from . import rules
from .models import (
    Attendance,
    GroupRequest,
    Registration,
    SessionEvaluation,
    TrainingFormat,
    TrainingSession,
)

#: programme staff may manage every session
MANAGE_ALL_PERMISSION = "trainings.manage_all_sessions"


def sessions_listed(
    *, region: Region | None = None, training_format_key=None, delivery: str = ""
) -> QuerySet[TrainingSession]:
    """Published, open sessions that have not started, with their registered count."""
    sessions = TrainingSession.objects.listed()
    if region is not None:
        sessions = sessions.filter(region=region)
    if training_format_key:
        sessions = sessions.filter(training_format__translation_key=training_format_key)
    if delivery:
        sessions = sessions.filter(training_format__delivery=delivery)
    return (
        sessions.select_related("training_format", "region")
        .annotate(
            registered_count=Count("registrations", filter=Q(registrations__status="registered"))
        )
        # explicit: with the aggregate Django treats Meta.ordering as absent, and pages need a
        # stable order
        .order_by("starts_at", "pk")
    )


def session_public(*, public_id, invitation_token: str = "") -> TrainingSession:
    """A published session; a closed one only with its invitation token (404 otherwise)."""
    session = (
        TrainingSession.objects.published()
        .select_related("training_format__prerequisite_course", "region")
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise Http404
    if session.is_closed and not secrets.compare_digest(invitation_token, session.invitation_token):
        raise Http404
    return session


def session_visible_to(*, user, public_id, invitation_token: str = "") -> TrainingSession:
    """As session_public, but a closed session is also visible to its participants, trainers
    and organisers."""
    try:
        return session_public(public_id=public_id, invitation_token=invitation_token)
    except Http404:
        session = TrainingSession.objects.filter(public_id=public_id).first()
        if session is None or not user.is_authenticated:
            raise
        if may_manage(user=user, session=session) or (
            session.is_published
            and session.registrations.filter(user=user).exclude(status="cancelled").exists()
        ):
            return session
        raise


def may_manage(*, user, session: TrainingSession) -> bool:
    """Trainers of the session, organisers of its format and programme staff."""
    if not user.is_authenticated:
        return False
    if user.has_perm(MANAGE_ALL_PERMISSION):
        return True
    if session.trainers.filter(pk=user.pk).exists():
        return True
    return session.training_format.organisers.filter(pk=user.pk).exists()


def sessions_for_admin(*, user) -> QuerySet[TrainingSession]:
    """The sessions a person may edit in Wagtail: all for programme staff, else those of the
    formats they organise."""
    if user.has_perm(MANAGE_ALL_PERMISSION):
        return TrainingSession.objects.all()
    return TrainingSession.objects.filter(
        pk__in=TrainingSession.objects.filter(training_format__organisers=user).values("pk")
    )


def session_for_trainer(*, user, public_id) -> TrainingSession:
    """The session if `user` may record its attendance; 404 otherwise (ids are not confirmed)."""
    session = (
        TrainingSession.objects.select_related("training_format", "region")
        .filter(public_id=public_id)
        .first()
    )
    if session is None or not may_manage(user=user, session=session):
        raise Http404
    return session


def sessions_for_trainer(*, user) -> QuerySet[TrainingSession]:
    """Sessions the person trains or organises, from a week ago on."""
    since = timezone.now() - timedelta(days=8)
    sessions = TrainingSession.objects.filter(ends_at__gte=since)
    if not user.has_perm(MANAGE_ALL_PERMISSION):
        sessions = sessions.filter(
            Q(trainers=user) | Q(training_format__organisers=user)
        ).distinct()
    return sessions.select_related("training_format", "region")


def participants(*, session: TrainingSession, search: str = "") -> QuerySet[Registration]:
    """Registered participants with their attendance, optionally filtered by name or e-mail."""
    rows = session.registrations.filter(status=Registration.Status.REGISTERED)
    if search:
        rows = rows.filter(Q(user__full_name__icontains=search) | Q(user__email__icontains=search))
    return rows.select_related("user", "attendance").order_by("user__full_name", "pk")


def waiting_list(*, session: TrainingSession) -> QuerySet[Registration]:
    """Who is on the session's waiting list, first in line first (the order in which places
    are given when one becomes free), for its trainers and organisers to read."""
    return (
        session.registrations.filter(status=Registration.Status.WAITING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def participants_not_recorded(*, session: TrainingSession) -> QuerySet[Registration]:
    """Registered participants whose attendance nobody has recorded yet (the bulk "everyone
    present" marks these), in the order of the attendance list."""
    return participants(session=session).filter(attendance__isnull=True)


def my_registrations(*, user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session__training_format", "session__region", "attendance")
        .order_by("session__starts_at")
    )


def certificate_codes_by_training(*, user, training_keys: Iterable) -> dict:
    """The code of the person's newest certificate per training (a format's translation key,
    which its completion and certificate carry as the course key): one query."""
    keys = set(training_keys)
    codes: dict = {}
    if not keys:
        return codes
    for key, code in (
        certificate_selectors.certificates_for_user(user=user)
        .filter(course_key__in=keys)
        .values_list("course_key", "code")
    ):
        codes.setdefault(key, code)  # newest first
    return codes


def registration_of(*, user, session: TrainingSession) -> Registration | None:
    return (
        session.registrations.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


def attendance_status_of(*, registration: Registration) -> str | None:
    return (
        Attendance.objects.filter(registration=registration)
        .values_list("status", flat=True)
        .first()
    )


def people_with_role(*, role: str, keep: Iterable[int] = ()) -> QuerySet:
    """The active accounts with `role` (a group), for a picker of trainers or organisers: never
    every account (learners, hotel staff). `keep` (ids already chosen) stay choosable, so an
    existing record still validates after someone lost the role."""
    chosen = Q(pk__in=list(keep))
    return (
        get_user_model()
        .objects.filter(Q(groups__name=role, is_active=True) | chosen)
        .distinct()
        .order_by("full_name", "email")
    )


def trainer_choices(*, keep: Iterable[int] = ()) -> QuerySet:
    """Who can be chosen as trainer of a session: people with the trainer role."""
    return people_with_role(role=roles.TRAINER, keep=keep)


def organiser_choices(*, keep: Iterable[int] = ()) -> QuerySet:
    """Who can be chosen as organiser of a training format: people with the organiser role."""
    return people_with_role(role=roles.TRAINING_ORGANISER, keep=keep)


def trainers_not_eligible(*, training_format: TrainingFormat, trainers: list) -> list:
    """Of `trainers`, those who have not completed the format's train-the-trainer (none when the
    format asks for none). Completing the train-the-trainer is its Completion, any session."""
    required = training_format.trainer_training
    if required is None:
        return []
    done = set(
        lms_selectors.completions(course_keys=[required.translation_key])
        .filter(user__in=trainers)
        .values_list("user_id", flat=True)
    )
    return [person for person in trainers if person.pk not in done]


def formats_listed() -> QuerySet[TrainingFormat]:
    """The formats that have listed sessions (for the filter)."""
    return TrainingFormat.objects.filter(
        pk__in=TrainingSession.objects.listed().values("training_format")
    )


def formats_requestable() -> QuerySet[TrainingFormat]:
    """The formats a group can request: those with at least one organiser to answer."""
    return TrainingFormat.objects.filter(
        pk__in=TrainingFormat.objects.filter(organisers__isnull=False).values("pk")
    )


def group_requests_for(*, user) -> QuerySet[GroupRequest]:
    """Requests the person made, plus those for the formats they organise (all for staff)."""
    requests = GroupRequest.objects.select_related("training_format", "region", "session")
    if user.has_perm(MANAGE_ALL_PERMISSION):
        return requests
    return requests.filter(
        Q(requested_by=user)
        | Q(pk__in=GroupRequest.objects.filter(training_format__organisers=user).values("pk"))
    )


def may_decide(*, user, request: GroupRequest) -> bool:
    return user.has_perm(MANAGE_ALL_PERMISSION) or (
        request.training_format.organisers.filter(pk=user.pk).exists()
    )


def formats_localized(formats: Iterable[TrainingFormat]) -> dict[int, TrainingFormat]:
    """Each format by pk, in the active language where it is translated (else itself): two
    queries for a whole list, where `.localized` costs one or two per format."""
    formats = list(formats)
    locale = Locale.get_active()
    keys = {f.translation_key for f in formats if f.locale_id != locale.pk}
    translated = {
        t.translation_key: t
        for t in (
            TrainingFormat.objects.filter(locale=locale, translation_key__in=keys) if keys else []
        )
    }
    return {f.pk: translated.get(f.translation_key, f) for f in formats}


# ----------------------------------------------------------------------------- evaluation

_SCALE = range(rules.EVALUATION_SCALE_MIN, rules.EVALUATION_SCALE_MAX + 1)


@dataclass(frozen=True)
class ScaleResult:
    """One 1–5 question: its label, average and how many gave each value."""

    label: str
    average: float | None
    distribution: list[tuple[int, int, int]]  # (value, count, percent of the answers)


@dataclass(frozen=True)
class EvaluationResults:
    """Results of a session or format. With fewer than 5 answers (the reporting rule,
    accounts.small_counts) only the count is known, shown as "<5": `suppressed` is set and
    there are no figures or comments."""

    count: int
    questions: list[ScaleResult]
    recommend_yes: int
    comments: list[str]
    suppressed: bool = False

    @property
    def count_cell(self) -> Cell:
        return suppress(self.count)

    @property
    def recommend_percent(self) -> int | None:
        if self.suppressed or not self.count:
            return None
        return round(100 * self.recommend_yes / self.count)


def _suppressed(count: int) -> EvaluationResults:
    return EvaluationResults(
        count=count, questions=[], recommend_yes=0, comments=[], suppressed=True
    )


def _aggregates() -> dict:
    """Count, averages, the distribution per value and the recommendations as aggregate
    expressions: one query for a session, a format, or every session of a format at once."""
    expressions: dict = {
        "n": Count("id"),
        "recommend_yes": Count("id", filter=Q(would_recommend=True)),
    }
    for field in rules.EVALUATION_SCALE_QUESTIONS:
        expressions[f"{field}_avg"] = Avg(field)
        for value in _SCALE:
            expressions[f"{field}_{value}"] = Count("id", filter=Q(**{field: value}))
    return expressions


def _results(row: dict, comments: list[str]) -> EvaluationResults:
    count = row["n"] or 0
    if is_small(count):
        return _suppressed(count)
    questions = []
    for field in rules.EVALUATION_SCALE_QUESTIONS:
        average = row[f"{field}_avg"]
        questions.append(
            ScaleResult(
                label=str(getattr(SessionEvaluation._meta.get_field(field), "verbose_name", field)),
                average=round(float(average), 1) if average is not None else None,
                distribution=[
                    (
                        value,
                        row[f"{field}_{value}"],
                        round(100 * row[f"{field}_{value}"] / count) if count else 0,
                    )
                    for value in _SCALE
                ],
            )
        )
    return EvaluationResults(
        count=count,
        questions=questions,
        recommend_yes=row["recommend_yes"] or 0,
        comments=comments,
    )


def _comments(evaluations: QuerySet[SessionEvaluation]) -> list[str]:
    """The free-text answers without anything that says who or when: ordered by their text,
    not by the order they came in."""
    return list(
        evaluations.exclude(comment="").order_by("comment").values_list("comment", flat=True)
    )


def evaluation_results_for_session(*, session: TrainingSession) -> EvaluationResults:
    """The session's results in two queries (one with fewer than 5 answers: then nothing but
    "<5" is shown, not even the comments)."""
    evaluations = SessionEvaluation.objects.filter(session=session)
    row = evaluations.aggregate(**_aggregates())
    if is_small(row["n"] or 0):
        return _suppressed(row["n"])
    return _results(row, _comments(evaluations))


def _format_evaluations(training_format: TrainingFormat) -> QuerySet[SessionEvaluation]:
    """Evaluations of every session of the format, in all its language versions."""
    return SessionEvaluation.objects.filter(
        session__training_format__translation_key=training_format.translation_key
    )


def evaluation_results_for_format(
    *, training_format: TrainingFormat
) -> tuple[EvaluationResults, list[tuple[TrainingSession, EvaluationResults]]]:
    """The format's results, and per session that has answers (without the comments, which the
    format's total lists): three queries.

    A session with fewer than 5 answers is listed as "<5" and its answers are left out of the
    total as well: counted in, they could be worked out by comparing the total with the
    sessions that are shown."""
    per_session = [
        (session, _results({k: getattr(session, f"ev_{k}") for k in _aggregates()}, []))
        for session in (
            TrainingSession.objects.filter(
                training_format__translation_key=training_format.translation_key
            )
            .select_related("region")
            .annotate(**_aggregates_through("evaluations"))
            .order_by("starts_at", "pk")
        )
        if session.ev_n  # type: ignore[attr-defined]  # annotated above
    ]
    shown = [session.pk for session, results in per_session if not results.suppressed]
    evaluations = _format_evaluations(training_format).filter(session_id__in=shown)
    total = _results(evaluations.aggregate(**_aggregates()), _comments(evaluations))
    return total, per_session


def _aggregates_through(relation: str) -> dict:
    """_aggregates() seen from the session (`evaluations__…`), named `ev_…` so they do not
    clash with the session's own fields."""
    expressions: dict = {
        "ev_n": Count(relation),
        "ev_recommend_yes": Count(relation, filter=Q(**{f"{relation}__would_recommend": True})),
    }
    for field in rules.EVALUATION_SCALE_QUESTIONS:
        expressions[f"ev_{field}_avg"] = Avg(f"{relation}__{field}")
        for value in _SCALE:
            expressions[f"ev_{field}_{value}"] = Count(
                relation, filter=Q(**{f"{relation}__{field}": value})
            )
    return expressions


def evaluation_rows(*, sessions: QuerySet[TrainingSession]) -> QuerySet:
    """The answers for the export, one row each, with the session's start but nothing about
    the person; ordered by session and then by the answers (not by the order they came in).
    Only sessions with at least 5 answers, as on the results pages."""
    shown = sessions.annotate(answers=Count("evaluations")).filter(
        answers__gte=SMALL_CELL_THRESHOLD
    )
    return (
        SessionEvaluation.objects.filter(session__in=shown.values("pk"))
        .order_by(
            "session__starts_at",
            "session_id",
            "usefulness",
            "trainer_clarity",
            "confidence",
            "would_recommend",
            "comment",
        )
        .values_list(
            "session__starts_at",
            "session__training_format__title",
            "usefulness",
            "trainer_clarity",
            "confidence",
            "would_recommend",
            "comment",
        )
    )


def may_view_format_evaluations(*, user, training_format: TrainingFormat) -> bool:
    """Organisers of the format (any of its language versions) and programme staff."""
    if not user.is_authenticated:
        return False
    return user.has_perm(MANAGE_ALL_PERMISSION) or (
        TrainingFormat.objects.filter(
            translation_key=training_format.translation_key, organisers=user
        ).exists()
    )


def formats_with_evaluations_for(*, user) -> list[TrainingFormat]:
    """The formats whose evaluation results `user` may read (organisers; staff: all), one per
    training (not per language version)."""
    if not user.is_authenticated:
        return []
    formats = TrainingFormat.objects.order_by("title", "pk")
    if not user.has_perm(MANAGE_ALL_PERMISSION):
        formats = formats.filter(organisers=user)
    seen: set = set()
    unique = []
    for training_format in formats:
        if training_format.translation_key not in seen:
            seen.add(training_format.translation_key)
            unique.append(training_format)
    return unique


def format_for_evaluations(*, user, pk: int) -> TrainingFormat:
    """The format if `user` may see its evaluations; 404 otherwise."""
    training_format = TrainingFormat.objects.filter(pk=pk).first()
    if training_format is None or not may_view_format_evaluations(
        user=user, training_format=training_format
    ):
        raise Http404
    return training_format


def format_for_evaluations_by_key(*, user, translation_key) -> TrainingFormat:
    """The format (any language version) with `translation_key` if `user` may see its
    evaluations; 404 otherwise (the API names a training by its key)."""
    training_format = (
        TrainingFormat.objects.filter(translation_key=translation_key).order_by("pk").first()
    )
    if training_format is None or not may_view_format_evaluations(
        user=user, training_format=training_format
    ):
        raise Http404
    return training_format
