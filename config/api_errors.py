"""One error format for the whole API: every refusal is a JSON 4xx, never a 500.

    {"detail": "<translated sentence>", "code": "<stable machine code>", ...}

Optional keys: ``errors`` (request validation, as django-ninja reports it), ``fields``
(model validation, per field) and ``details`` (extra data of a learning error, e.g. the ids of
unanswered questions). The sentence follows the request's language (Accept-Language).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from lms.errors import LearningError
from trainings.errors import TrainingError

# django-ninja raises these with fixed English messages; give them translated ones.
_NINJA_MESSAGES = {
    "Cannot parse request body": (
        "malformed_body",
        lambda: _("The request body is not valid JSON."),
    ),
}


def _respond(api: NinjaAPI, request: HttpRequest, status: int, **body) -> HttpResponse:
    return api.create_response(request, body, status=status)


def request_language(view):
    """Answer in the caller's language (language cookie, else Accept-Language, else Dutch).

    The site's LocaleMiddleware cannot do this for /api/v1/: with i18n_patterns and an
    unprefixed default language it treats every unprefixed path as Dutch."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapper


def _in_request_language(handler):
    """Exception handlers run outside the operation (and its language): give them the same."""

    @wraps(handler)
    def wrapper(request, exc):
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            response = handler(request, exc)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapper


def register(api: NinjaAPI) -> None:
    """Install the handlers on `api` (they replace django-ninja's defaults for these types) and
    make every operation, its errors included, answer in the caller's language."""
    api.add_decorator(request_language, mode="view")

    def on(exc_type):
        return lambda handler: api.exception_handler(exc_type)(_in_request_language(handler))

    @on(LearningError)
    def learning_error(request, exc: LearningError):
        body: dict[str, object] = {"detail": str(exc.message), "code": exc.code}
        if exc.details:
            body["details"] = exc.details
        return _respond(api, request, exc.status, **body)

    @on(TrainingError)
    def training_error(request, exc: TrainingError):
        return learning_error(request, exc)

    @on(NinjaValidationError)
    def request_invalid(request, exc: NinjaValidationError):
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
        return _respond(
            api,
            request,
            403,
            detail=str(exc) or _("You are not allowed to do this."),
            code="permission_denied",
        )

    @on(Http404)
    def not_found(request, exc: Http404):
        return _respond(api, request, 404, detail=_("Not found."), code="not_found")

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
            return _respond(
                api, request, 429, detail=_("Too many requests. Try again later."), code="throttled"
            )
        code, message = _NINJA_MESSAGES.get(exc.message, (None, None))
        if message is not None:
            return _respond(api, request, exc.status_code, detail=message(), code=code)
        code = getattr(exc, "code", None) or {
            403: "permission_denied",
            404: "not_found",
            429: "throttled",
        }.get(exc.status_code, "invalid")
        return _respond(api, request, exc.status_code, detail=str(exc), code=code)
