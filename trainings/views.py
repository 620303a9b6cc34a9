"""Pages of trainings on location: the session list, a session (register, cancel, calendar
file), my trainings, the trainer's attendance list (375 px first) and the attendance code."""

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from accounts.api_schema import id_from_text
from accounts.downloads import attachment, file_name
from accounts.models import Region
from accounts.qr import qr_svg

from . import calendar, exports, rules, selectors, services
from .errors import TrainingError
from .forms import AcceptForm, DeclineForm, EvaluationForm, GroupRequestForm, ProposeForm
from .models import Attendance, Delivery, Registration, TrainingSession

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

INVITATION_PARAM = "uitnodiging"
#: sessions per page of the list; the page number is the query parameter PAGE_PARAM
SESSIONS_PER_PAGE = 20
PAGE_PARAM = "pagina"


@require_GET
def session_list(request):
    regions = Region.objects.all()
    region = regions.filter(slug=request.GET.get("regio", "")).first()
    delivery = request.GET.get("vorm", "")
    if delivery not in Delivery.values:
        delivery = ""
    training_key = request.GET.get("training", "")
    formats = list(selectors.formats_listed())
    if training_key not in {str(f.translation_key) for f in formats}:
        training_key = ""
    paginator = Paginator(
        selectors.sessions_listed(
            region=region, training_format_key=training_key or None, delivery=delivery
        ),
        SESSIONS_PER_PAGE,
    )
    # a page number that is not a number or out of range shows the first or last page
    page = paginator.get_page(request.GET.get(PAGE_PARAM))
    sessions = list(page.object_list)
    trainings = selectors.formats_localized([*formats, *(s.training_format for s in sessions)])
    return render(
        request,
        "trainings/session_list.html",
        {
            "sessions": [(session, trainings[session.training_format_id]) for session in sessions],
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "regions": regions,
            "region": region,
            "formats": [trainings[f.pk] for f in formats],
            "training_key": training_key,
            "deliveries": Delivery.choices,
            "delivery": delivery,
        },
    )


def _session_page(request, session: TrainingSession, *, error: TrainingError | None = None):
    user = request.user
    registration = (
        selectors.registration_of(user=user, session=session) if user.is_authenticated else None
    )
    fmt = session.training_format
    registered = session.registrations.filter(status=Registration.Status.REGISTERED).count()
    context = {
        "session": session,
        "training": fmt.localized,
        "registration": registration,
        "free_places": max(0, session.capacity - registered),
        "prerequisite": fmt.prerequisite_course.localized if fmt.prerequisite_course else None,
        "prerequisite_met": user.is_authenticated
        and services.prerequisite_met(user=user, training_format=fmt),
        "may_cancel": registration is not None
        and (
            registration.status == Registration.Status.WAITING
            or rules.may_cancel(
                now=timezone.now(),
                starts_at=session.starts_at,
                cancellation_hours=fmt.cancellation_hours,
            )
        ),
        "started": session.starts_at <= timezone.now(),
        "invitation": request.GET.get(INVITATION_PARAM, "") or request.POST.get("invitation", ""),
        "may_manage": selectors.may_manage(user=user, session=session),
        "error": error,
    }
    return render(
        request, "trainings/session_detail.html", context, status=error.status if error else 200
    )


def _visible_session(request, public_id) -> TrainingSession:
    token = request.GET.get(INVITATION_PARAM, "") or request.POST.get("invitation", "")
    return selectors.session_visible_to(
        user=request.user, public_id=public_id, invitation_token=token
    )


@require_GET
def session_detail(request, public_id):
    return _session_page(request, _visible_session(request, public_id))


@login_required
@require_POST
def session_register(request, public_id):
    session = _visible_session(request, public_id)
    try:
        registration = services.registration_create(
            session=session, user=request.user, invitation_token=request.POST.get("invitation", "")
        )
    except TrainingError as exc:
        return _session_page(request, session, error=exc)
    if registration.status == Registration.Status.REGISTERED:
        messages.success(request, _("You are registered. We have sent you a confirmation."))
    else:
        messages.info(
            request,
            _(
                "The session is full: you are on the waiting list. We will e-mail you when a place becomes free."
            ),
        )
    return redirect(_session_url(session, request.POST.get("invitation", "")))


@login_required
@require_POST
def session_cancel(request, public_id):
    session = _visible_session(request, public_id)
    registration = selectors.registration_of(user=request.user, session=session)
    if registration is None:
        return _session_page(
            request,
            session,
            error=TrainingError(
                _("You are not registered for this session."), code="not_registered", status=409
            ),
        )
    try:
        services.registration_cancel(registration=registration)
    except TrainingError as exc:
        return _session_page(request, session, error=exc)
    messages.success(request, _("Your registration has been cancelled."))
    return redirect(_session_url(session, request.POST.get("invitation", "")))


def _session_url(session: TrainingSession, invitation: str = "") -> str:
    url = reverse("trainings:session", args=[session.public_id])
    return f"{url}?{INVITATION_PARAM}={invitation}" if invitation else url


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    attachment(response, filename)
    return response


@require_GET
def session_ics(request, public_id):
    session = _visible_session(request, public_id)
    return _ics_response(
        calendar.session_calendar(session),
        file_name(pgettext("file name", "training"), session.public_id, suffix="ics"),
    )


@require_GET
def region_ics(request, slug):
    region = get_object_or_404(Region, slug=slug)
    sessions = list(selectors.sessions_listed(region=region))
    return _ics_response(
        calendar.region_feed(name=str(region), sessions=sessions),
        file_name(pgettext("file name", "trainings"), region.slug, suffix="ics"),
    )


@login_required
@require_GET
def my_trainings(request):
    registrations = list(selectors.my_registrations(user=request.user))
    trained = list(selectors.sessions_for_trainer(user=request.user))
    organised = selectors.formats_with_evaluations_for(user=request.user)
    trainings = selectors.formats_localized(
        [r.session.training_format for r in registrations]
        + [s.training_format for s in trained]
        + organised
    )
    now = timezone.now()
    certificates = selectors.certificate_codes_by_training(
        user=request.user,
        training_keys=[
            r.session.training_format.translation_key
            for r in registrations
            if _attendance_status(r) == Attendance.Status.PRESENT
        ],
    )
    return render(
        request,
        "trainings/mine.html",
        {
            "registrations": [
                (
                    r,
                    trainings[r.session.training_format_id],
                    rules.evaluation_closes_at(ends_at=r.session.ends_at)
                    if _may_evaluate(r, now)
                    else None,
                    _attendance_status(r),
                    certificates.get(r.session.training_format.translation_key, "")
                    if _attendance_status(r) == Attendance.Status.PRESENT
                    else "",
                )
                for r in registrations
            ],
            "trained_sessions": [(s, trainings[s.training_format_id]) for s in trained],
            "organised_formats": [(f, trainings[f.pk]) for f in organised],
        },
    )


def _attendance_status(registration: Registration) -> str:
    """The recorded attendance of a registered person ("" when none; select_related)."""
    attendance = getattr(registration, "attendance", None)
    if attendance is None or registration.status != Registration.Status.REGISTERED:
        return ""
    return attendance.status


def _may_evaluate(registration: Registration, now) -> bool:
    """Whether "my trainings" offers the evaluation (attendance is select_related)."""
    attendance = getattr(registration, "attendance", None)
    return (
        registration.status == Registration.Status.REGISTERED
        and not registration.evaluated
        and rules.may_evaluate(
            now=now,
            starts_at=registration.session.starts_at,
            ends_at=registration.session.ends_at,
            attendance_status=attendance.status if attendance else None,
        )
    )


# ----------------------------------------------------------------------------- attendance


#: the attendance page's query parameters: the search, the participant just saved (their card
#: says so) and the confirmation step of "everyone not yet recorded is present"
SEARCH_PARAM = "q"
SAVED_PARAM = "opgeslagen"
CONFIRM_PARAM = "bevestigen"
CONFIRM_ALL_PRESENT = "iedereen-aanwezig"


def participant_anchor(registration_id: int) -> str:
    """The id of a participant's card on the attendance page (the fragment after a save)."""
    return f"deelnemer-{registration_id}"


class ParticipantCard(NamedTuple):
    """One participant on the attendance list: the option and time the form shows (what was
    recorded, or what the trainer just chose when saving it failed) and that failure."""

    registration: Registration
    status: str
    left_at: str
    error: TrainingError | None = None


def _participant_cards(
    registrations, *, failed: Registration | None, error, status: str, left_at: str
) -> list[ParticipantCard]:
    cards = []
    for registration in registrations:
        if failed is not None and registration.pk == failed.pk:
            cards.append(ParticipantCard(registration, status, left_at, error))
            continue
        recorded = getattr(registration, "attendance", None)
        cards.append(
            ParticipantCard(
                registration,
                recorded.status if recorded else "",
                f"{timezone.localtime(recorded.left_at):%H:%M}"
                if recorded and recorded.left_at
                else "",
            )
        )
    return cards


def _attendance_context(
    request,
    session: TrainingSession,
    *,
    error: TrainingError | None = None,
    failed: Registration | None = None,
    failed_status: str = "",
    failed_left_at: str = "",
) -> dict:
    search = (request.GET.get(SEARCH_PARAM) or request.POST.get(SEARCH_PARAM) or "").strip()[:100]
    now = timezone.now()
    code_valid = bool(
        session.attendance_code
        and session.attendance_code_expires_at
        and session.attendance_code_expires_at > now
    )
    check_in_url = ""
    if code_valid:
        check_in_url = (
            settings.SITE_URL + reverse("trainings:check_in") + f"?code={session.attendance_code}"
        )
    window_open = rules.attendance_window_open(
        now=now, starts_at=session.starts_at, ends_at=session.ends_at
    )
    not_recorded = list(selectors.participants_not_recorded(session=session)) if window_open else []
    saved = request.GET.get(SAVED_PARAM, "")
    return {
        "session": session,
        "training": session.training_format.localized,
        "participants": _participant_cards(
            selectors.participants(session=session, search=search),
            failed=failed,
            error=error,
            status=failed_status,
            left_at=failed_left_at,
        ),
        "error": error,
        "failed": failed,
        "search": search,
        "waiting": list(selectors.waiting_list(session=session)),
        "statuses": Attendance.Status.choices,
        "window_open": window_open,
        "not_recorded": not_recorded,
        "confirm_all_present": bool(not_recorded)
        and request.GET.get(CONFIRM_PARAM) == CONFIRM_ALL_PRESENT,
        "confirm_param": CONFIRM_PARAM,
        "confirm_all_present_value": CONFIRM_ALL_PRESENT,
        "saved_id": int(saved) if saved.isascii() and saved.isdigit() else None,
        "code_valid": code_valid,
        "check_in_url": check_in_url,
        "qr": qr_svg(check_in_url) if code_valid else "",
    }


def _attendance_url(session: TrainingSession, *, search: str = "", saved: int | None = None) -> str:
    url = reverse("trainings:attendance", args=[session.public_id])
    query = {SEARCH_PARAM: search} if search else {}
    if saved is not None:
        query[SAVED_PARAM] = str(saved)
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{participant_anchor(saved)}" if saved is not None else "")


@login_required
def attendance(request, public_id):
    """The trainer's attendance list: one participant at a time (back to their card after a
    save), everyone not yet recorded at once (after a confirmation step), and the code."""
    session = selectors.session_for_trainer(user=request.user, public_id=public_id)
    if request.method != "POST":
        return render(request, "trainings/attendance.html", _attendance_context(request, session))
    search = request.POST.get(SEARCH_PARAM, "").strip()[:100]
    error = None
    if "issue_code" in request.POST:
        try:
            services.attendance_code_issue(session=session)
        except TrainingError as exc:
            error = exc
        else:
            return redirect(_attendance_url(session, search=search))
    elif "mark_all_present" in request.POST:
        try:
            marked = services.attendance_mark_all_present(session=session, marked_by=request.user)
        except TrainingError as exc:
            error = exc
        else:
            if marked:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s participant marked present.",
                        "%(count)s participants marked present.",
                        len(marked),
                    )
                    % {"count": len(marked)},
                )
            else:
                messages.info(request, _("Everyone's attendance had already been recorded."))
            return redirect(_attendance_url(session, search=search))
    else:
        # a value that is no id (a hand-edited form) is nobody registered, not a crash
        registration_id = id_from_text(request.POST.get("registration", ""))
        registration = (
            session.registrations.filter(pk=registration_id).select_related("user").first()
            if registration_id is not None
            else None
        )
        status = request.POST.get("status", "")
        left_at_entered = request.POST.get("left_at", "").strip()[:10]
        if registration is None:
            error = TrainingError(
                _(
                    "This person is not registered for the session, so attendance cannot be recorded."
                ),
                code="not_registered",
                status=409,
            )
        else:
            try:
                services.attendance_mark(
                    registration=registration,
                    status=status,
                    left_at=_left_at(session, status=status, entered=left_at_entered),
                    marked_by=request.user,
                )
            except TrainingError as exc:
                # shown in the person's card (and named at the top), with what was chosen
                return render(
                    request,
                    "trainings/attendance.html",
                    _attendance_context(
                        request,
                        session,
                        error=exc,
                        failed=registration,
                        failed_status=status,
                        failed_left_at=left_at_entered,
                    ),
                    status=exc.status,
                )
            return redirect(_attendance_url(session, search=search, saved=registration.pk))
    assert error is not None
    return render(
        request,
        "trainings/attendance.html",
        _attendance_context(request, session, error=error),
        status=error.status,
    )


def _left_at(session: TrainingSession, *, status: str, entered: str):
    """The moment of leaving from the time of day the trainer entered (only for "left early";
    None when nothing was entered: the service asks for it)."""
    if status != Attendance.Status.PARTIAL or not entered:
        return None
    try:
        left_time = parse_time(entered)
    except ValueError:  # "25:00": the shape of a time, but none
        left_time = None
    if left_time is None:
        raise TrainingError(
            _("Enter the time the participant left as hours and minutes, for example 21:40."),
            code="invalid_left_at",
            status=400,
        )
    return rules.left_at_from_time_of_day(
        local_start=timezone.localtime(session.starts_at),
        hour=left_time.hour,
        minute=left_time.minute,
    )


@login_required
def check_in(request):
    """Participants open the QR code's link (or type the code) and confirm."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()[:20]
    if request.method != "POST":
        return render(request, "trainings/check_in.html", {"code": code})
    try:
        result = services.attendance_check_in(user=request.user, code=code)
    except TrainingError as exc:
        return render(
            request, "trainings/check_in.html", {"code": code, "error": exc}, status=exc.status
        )
    return render(
        request,
        "trainings/check_in.html",
        {"done": True, "session": result.registration.session},
    )


# ----------------------------------------------------------------------------- group requests


@login_required
def group_request_new(request):
    form = GroupRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.group_request_create(user=request.user, **form.cleaned_data)
        except TrainingError as exc:
            form.add_error("group_size" if exc.code == "group_size" else None, exc.message)
        else:
            messages.success(request, _("Your request has been sent to the organiser."))
            return redirect("trainings:group_request", pk=created.pk)
    return render(
        request,
        "trainings/group_request_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def group_requests(request):
    requests = list(selectors.group_requests_for(user=request.user))
    trainings = selectors.formats_localized(r.training_format for r in requests)
    return render(
        request,
        "trainings/group_requests.html",
        {"requests": [(r, trainings[r.training_format_id]) for r in requests]},
    )


class _Decision(NamedTuple):
    form: type[forms.Form]
    decide: Callable[..., object]
    heading: "StrOrPromise"
    button: "StrOrPromise"


#: The organiser's answers to a group request, in the order the page shows them (the first is
#: the primary action): each is a form whose cleaned data goes to its service.
DECISIONS = {
    "accept": _Decision(
        AcceptForm,
        services.group_request_accept,
        gettext_lazy("Accept and plan the session"),
        gettext_lazy("Accept"),
    ),
    "propose": _Decision(
        ProposeForm,
        services.group_request_propose,
        gettext_lazy("Propose another date"),
        gettext_lazy("Propose"),
    ),
    "decline": _Decision(
        DeclineForm,
        services.group_request_decline,
        gettext_lazy("Decline"),
        gettext_lazy("Decline"),
    ),
}


@login_required
def group_request_detail(request, pk: int):
    group_request = get_object_or_404(selectors.group_requests_for(user=request.user), pk=pk)
    may_decide = selectors.may_decide(user=request.user, request=group_request)
    bound = {action: decision.form(prefix=action) for action, decision in DECISIONS.items()}
    error = None
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "agree":
        try:
            services.group_request_agree(request=group_request, user=request.user)
        except TrainingError as exc:
            error = exc
        else:
            messages.success(request, _("You agreed to the proposed date."))
            return redirect("trainings:group_request", pk=pk)
    elif action in DECISIONS:
        if not may_decide:
            raise PermissionDenied
        form = bound[action] = DECISIONS[action].form(request.POST, prefix=action)
        if form.is_valid():
            try:
                DECISIONS[action].decide(
                    request=group_request, by=request.user, **form.cleaned_data
                )
            except TrainingError as exc:
                fields = exc.details.get("fields")
                if fields:  # the session's own checks: shown at the fields, as in the admin
                    for name, field_errors in fields.items():
                        form.add_error(name if name in form.fields else None, field_errors)
                else:
                    error = exc
            else:
                messages.success(request, _("Your answer has been sent to the requester."))
                return redirect("trainings:group_request", pk=pk)
    elif request.method == "POST":
        error = TrainingError(_("Unknown action."), code="invalid", status=400)
    invalid = any(f.is_bound and f.errors for f in bound.values())
    status = error.status if error else (400 if invalid else 200)
    return render(
        request,
        "trainings/group_request_detail.html",
        {
            "group_request": group_request,
            "may_decide": may_decide,
            "is_requester": group_request.requested_by_id == request.user.pk,
            "decisions": [
                (action, bound[action], decision.heading, decision.button)
                for action, decision in DECISIONS.items()
            ],
            "error": error,
        },
        status=status,
    )


# ----------------------------------------------------------------------------- evaluation


@login_required
def evaluation(request, public_id):
    """The participant's evaluation form: only for who attended, after the start, once."""
    session = _visible_session(request, public_id)
    registration = selectors.registration_of(user=request.user, session=session)
    context = {"session": session, "training": session.training_format.localized}
    refusal = services.evaluation_refusal(
        registration=registration,
        attendance_status=(
            selectors.attendance_status_of(registration=registration) if registration else None
        ),
        now=timezone.now(),
    )
    if refusal is not None:
        return render(
            request,
            "trainings/evaluation.html",
            {**context, "error": refusal},
            status=refusal.status,
        )
    assert registration is not None  # refused above when there is none
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(registration=registration, **form.cleaned_data)
        except TrainingError as exc:
            return render(
                request,
                "trainings/evaluation.html",
                {**context, "form": form, "error": exc},
                status=exc.status,
            )
        messages.success(request, _("Thank you for your evaluation."))
        return redirect("trainings:mine")
    return render(
        request,
        "trainings/evaluation.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    attachment(response, filename)
    return response


@login_required
@require_GET
def evaluation_results(request, public_id):
    """A session's results for its trainers, the format's organisers and staff (others 404)."""
    session = selectors.session_for_trainer(user=request.user, public_id=public_id)
    return render(
        request,
        "trainings/evaluation_results.html",
        {
            "session": session,
            "training": session.training_format.localized,
            "results": selectors.evaluation_results_for_session(session=session),
            "may_view_format": selectors.may_view_format_evaluations(
                user=request.user, training_format=session.training_format
            ),
        },
    )


@login_required
@require_GET
def evaluation_export(request, public_id):
    session = selectors.session_for_trainer(user=request.user, public_id=public_id)
    rows = selectors.evaluation_rows(sessions=TrainingSession.objects.filter(pk=session.pk))
    return _csv_response(
        exports.evaluations_csv(rows),
        file_name(pgettext("file name", "evaluation"), session.public_id, suffix="csv"),
    )


@login_required
@require_GET
def format_evaluation_results(request, pk: int):
    """A format's results over all its sessions, for its organisers and staff (others 404)."""
    training_format = selectors.format_for_evaluations(user=request.user, pk=pk)
    total, per_session = selectors.evaluation_results_for_format(training_format=training_format)
    return render(
        request,
        "trainings/format_evaluation_results.html",
        {
            "training_format": training_format,
            "training": training_format.localized,
            "results": total,
            "per_session": per_session,
        },
    )


@login_required
@require_GET
def format_evaluation_export(request, pk: int):
    training_format = selectors.format_for_evaluations(user=request.user, pk=pk)
    sessions = TrainingSession.objects.filter(
        training_format__translation_key=training_format.translation_key
    )
    rows = selectors.evaluation_rows(sessions=sessions)
    return _csv_response(
        exports.evaluations_csv(rows),
        file_name(pgettext("file name", "evaluation"), training_format.pk, suffix="csv"),
    )
