"""One error format for the whole API: every refusal is a JSON 4xx, never a traceback.

    {"detail": "<translated sentence>", "code": "<stable machine code>", ...}

Optional keys, left out when they have no value: ``errors`` (request validation, a rejected
import's rows), ``fields`` (model validation, per field), ``details`` (other data of a refusal,
e.g. ``available_at``) and ``error_id`` (a 500: the id under which the failure was logged).
The three pieces below (exception handlers, ``unknown_api_path``, ``ApiErrorMiddleware``) and
what each catches that the others cannot reach are ADR 0018. Every 503 under /api/ carries
``Retry-After`` (ApiErrorMiddleware adds it), as the site's 503 does (ADR 0019); every 429 of a
rate limit carries the seconds left of its window (``TooManyRequests``, ADR 0018)."""

import logging
import traceback
import uuid
from functools import wraps

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from accounts.api_auth import TooManyRequests
from accounts.errors import DomainError
from accounts.rate_limits import RETRY_AFTER_SECONDS

# django-ninja raises these with fixed English messages; give them translated ones.
_NINJA_MESSAGES = {
    "Cannot parse request body": (
        "malformed_body",
        lambda: _("The request body is not valid JSON."),
    ),
}


logger = logging.getLogger("config.api")

API_PREFIX = "/api/"


def _log_server_error(request: HttpRequest, exc: BaseException | None) -> str:
    """Log an unexpected failure under a new error id and return the id. Only the exception's
    type and stack (files, lines, functions) are logged: its message and the request's query,
    body and headers can hold personal data. Without an exception (Django already answered a
    500 and logged it) the line ties the id to the request."""
    error_id = uuid.uuid4().hex[:12]
    logger.error(
        "API server error %s: %s on %s %s\n%s",
        error_id,
        type(exc).__name__ if exc is not None else "an error response",
        request.method,
        request.path,
        "".join(traceback.format_tb(exc.__traceback__)) if exc is not None else "",
    )
    return error_id


def _server_error_body(error_id: str) -> dict[str, str]:
    return {
        "detail": _(
            "Something went wrong on our side. If it keeps happening, contact us and mention "
            "error %(error_id)s."
        )
        % {"error_id": error_id},
        "code": "server_error",
        "error_id": error_id,
    }


def _respond(api: NinjaAPI, request: HttpRequest, status: int, **body) -> HttpResponse:
    return api.create_response(request, body, status=status)


def request_language(view):
    """Answer in the caller's language (language cookie, else Accept-Language, else Dutch).

    The site's LocaleMiddleware cannot do this for /api/v1/: with i18n_patterns and an
    unprefixed default language it treats every unprefixed path as Dutch. On the NinjaAPI it is
    a "view" decorator: it wraps the whole operation run, the exception handlers included."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapper


def register(api: NinjaAPI) -> None:
    """Install the handlers on `api` (they replace django-ninja's defaults for these types) and
    make every operation, its errors included, answer in the caller's language."""
    api.add_decorator(request_language, mode="view")
    on = api.exception_handler

    @on(DomainError)
    def domain_error(request, exc: DomainError):
        """Every app's refusals (accounts.errors and each app's own) with their status."""
        return _respond(api, request, exc.status, **domain_error_body(exc))

    @on(NinjaValidationError)
    def request_invalid(request, exc: NinjaValidationError):
        if exc.errors and all(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors):
            # /organisations/false/…: the path names no object at all
            return _respond(
                api,
                request,
                400,
                detail=_("The address contains an id that is not valid."),
                code="malformed_id",
                errors=exc.errors,
            )
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or e.get('loc', ('body',))[0]}: "
            f"{e.get('msg', '')}"
            for e in exc.errors
        )
        return _respond(
            api,
            request,
            422,
            detail=_("The request is not valid: %(problems)s") % {"problems": problems},
            code="invalid_request",
            errors=exc.errors,
        )

    @on(DjangoValidationError)
    def model_invalid(request, exc: DjangoValidationError):
        body: dict[str, object] = {"detail": " ".join(exc.messages), "code": "invalid"}
        if hasattr(exc, "error_dict"):
            body["fields"] = exc.message_dict
        return _respond(api, request, 400, **body)

    @on(PermissionDenied)
    def permission_denied(request, exc: PermissionDenied):
        body = _fixed_body(403)
        return _respond(api, request, 403, **{**body, "detail": str(exc) or body["detail"]})

    @on(Http404)
    def not_found(request, exc: Http404):
        return _respond(api, request, 404, **_fixed_body(404))

    @on(RequestDataTooBig)
    def too_large(request, exc: RequestDataTooBig):
        return _respond(api, request, 413, **_fixed_body(413))

    @on(SuspiciousOperation)
    def suspicious(request, exc: SuspiciousOperation):
        return _respond(api, request, 400, **_fixed_body(400))

    @on(Exception)
    def server_error(request, exc: Exception):
        return _respond(api, request, 500, **_server_error_body(_log_server_error(request, exc)))

    @on(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc, AuthenticationError):
            response = _respond(
                api,
                request,
                401,
                detail=_(
                    "Authentication required: log in, or send a personal access token as "
                    "'Authorization: Bearer <token>'."
                ),
                code="not_authenticated",
            )
            response["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        if isinstance(exc, Throttled):
            return _respond(api, request, 429, **_fixed_body(429))
        if isinstance(exc, TooManyRequests):
            response = _respond(api, request, 429, detail=str(exc), code=exc.code)
            response["Retry-After"] = str(exc.retry_after)
            return response
        code, message = _NINJA_MESSAGES.get(exc.message, (None, None))
        if message is not None:
            return _respond(api, request, exc.status_code, detail=message(), code=code)
        code = getattr(exc, "code", None) or _fixed_body(exc.status_code, "invalid")["code"]
        return _respond(api, request, exc.status_code, detail=str(exc), code=code)


def domain_error_body(exc: DomainError) -> dict[str, object]:
    """The body of a refusal: `detail` and `code`; a model validation's messages per field
    (`details["fields"]`) under `fields` and a rejected import's rows (`details["errors"]`)
    under `errors`, as the API's own validation answers them; any other details under
    `details`. Keys without a value are left out, as in every other error body."""
    body: dict[str, object] = {"detail": str(exc.message), "code": exc.code}
    details = dict(exc.details)
    for key in ("fields", "errors"):
        if key in details:
            body[key] = details.pop(key)
    if details:
        body["details"] = details
    return body


def _fixed_body(status: int, default_code: str = "bad_request") -> dict[str, str]:
    """The body of an error that says no more than its status (a 4xx without a message of its
    own: the handlers above and whatever Django answered under /api/)."""
    bodies = {
        401: (_("Authentication required."), "not_authenticated"),
        403: (_("You are not allowed to do this."), "permission_denied"),
        404: (_("Not found."), "not_found"),
        405: (_("This address does not accept this method."), "method_not_allowed"),
        413: (_("The request is too large."), "request_too_large"),
        429: (_("Too many requests. Try again later."), "throttled"),
    }
    detail, code = bodies.get(status, (_("The request is not valid."), default_code))
    return {"detail": detail, "code": code}


class ApiErrorMiddleware:
    """Outermost middleware: under /api/, an error Django answered with HTML (or nothing) is
    answered with the API's JSON error shape instead, in the caller's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX):
            return response
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return _with_retry_after(response)
        if response.status_code >= 500:
            # Django logged the failure (an error in another middleware) without an id
            converted = _json(request, response.status_code, _log_server_error(request, None))
        else:
            converted = _json(request, response.status_code)
        if "Allow" in response:
            converted["Allow"] = response["Allow"]
        if "Retry-After" in response:
            converted["Retry-After"] = response["Retry-After"]
        return _with_retry_after(converted)

    def process_exception(self, request: HttpRequest, exception: Exception):
        """An exception in a view outside the API's operations (none today: the operations
        answer their own): a JSON 500, logged with its id and without the exception's message
        (Django's own log line would carry it)."""
        if request.path_info.startswith(API_PREFIX):
            return _json(request, 500, _log_server_error(request, exception))
        return None


def _with_retry_after(response: HttpResponse) -> HttpResponse:
    """A 503 tells the client when to try again (one that says so already keeps its own)."""
    if response.status_code == 503 and "Retry-After" not in response:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@request_language
def _json(request: HttpRequest, status: int, error_id: str | None = None) -> HttpResponse:
    """The error body of `status` (of a 500 with `error_id`), made in the caller's language."""
    body = _server_error_body(error_id) if error_id else _fixed_body(status)
    return JsonResponse(body, status=status)


def unknown_api_path(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """The view behind /api/ addresses that name no operation."""
    return _json(request, 404)
