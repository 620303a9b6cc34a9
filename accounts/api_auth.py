"""Authentication for the JSON API (/api/v1/).

Two ways in, tried in this order:

1. ``Authorization: Bearer stm_…``: a personal access token (for integrations). Wrong tokens are
   counted per client address; after ``TOKEN_FAILURES.limit`` failures in one clock minute
   that address gets 429 for the rest of that minute, so tokens cannot be guessed.
2. The site's session cookie (for the site's own pages). Unsafe methods (POST, PUT, PATCH,
   DELETE) must carry the CSRF token (``X-CSRFToken`` header), exactly as Django forms do.

Routers use ``auth=AUTH``. Both classes also set ``request.user``, so operations read the person
from ``request.user`` whichever way they came in. Either way, a call into a staff area
(accounts.two_factor: reports, organisations, a session's participants, attendance and
evaluation results, a training's evaluation results) by a person who works there but has no
second factor is refused with 403 ``second_factor_required``. ``ErrorOut`` is the error body
every router declares for its 4xx answers (config/api_errors.py produces it).
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf

from . import two_factor
from .api_schema import ErrorOut
from .rate_limits import FixedWindow, StoreUnavailable, client_address
from .services import access_token_authenticate

__all__ = ["AUTH", "CsrfSessionAuth", "ErrorOut", "PersonalAccessTokenAuth", "TooManyRequests"]

#: Wrong tokens allowed per client address per clock minute; after that the address gets 429
#: for the rest of that minute (accounts.rate_limits: fixed windows on every cache backend).
#: It guards a secret: while the counter's store is down, tokens are refused (503).
TOKEN_FAILURES = FixedWindow(
    "api-token-failures", default_limit=10, default_seconds=60, guards_secret=True
)


class AuthRefused(HttpError):
    """A refusal with a stable `code` for the error body (config/api_errors.py)."""

    def __init__(self, status_code: int, message: str, *, code: str) -> None:
        super().__init__(status_code, message)
        self.code = code


class TooManyRequests(AuthRefused):
    """A 429 that knows when the caller may try again: `retry_after` seconds, sent as the
    `Retry-After` header (config/api_errors.py)."""

    def __init__(self, message: str, *, code: str, retry_after: int) -> None:
        super().__init__(429, message, code=code)
        self.retry_after = retry_after


class TooManyTokenFailures(TooManyRequests):
    def __init__(self) -> None:
        message, seconds = TOKEN_FAILURES.refusal(
            _("Too many invalid access tokens from your address.")
        )
        super().__init__(message, code="too_many_token_failures", retry_after=seconds)


class RateLimitUnavailable(AuthRefused):
    """The failure counter cannot be read (Redis down): refuse rather than allow unlimited
    token guesses (ADR 0019)."""

    def __init__(self) -> None:
        super().__init__(
            503,
            _("Access tokens cannot be checked right now. Try again in a few minutes."),
            code="rate_limit_unavailable",
        )


class SecondFactorRequired(AuthRefused):
    def __init__(self) -> None:
        super().__init__(
            403,
            _(
                "This part of the API needs two-factor authentication for your role. Set up an "
                "authenticator app or a security key under My account, then try again."
            ),
            code=two_factor.API_ERROR_CODE,
        )


#: The API's routes are under this prefix (config/urls.py).
API_ROOT = "/api/v1/"


def _staff_area_check(request: HttpRequest, user) -> None:
    """Refuse a call into a staff area by someone who works there without a second factor."""
    route = request.path_info.removeprefix(API_ROOT)
    if two_factor.factor_missing(user, two_factor.api_area(route)):
        raise SecondFactorRequired()


class PersonalAccessTokenAuth(HttpBearer):
    """``Authorization: Bearer <personal access token>``; tokens are stored hashed."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        address = client_address(request)
        try:
            if TOKEN_FAILURES.exceeded(address):
                raise TooManyTokenFailures()
            user = access_token_authenticate(raw=token.strip()) if token.strip() else None
            if user is None:
                TOKEN_FAILURES.hit(address)
                return None
        except StoreUnavailable as exc:
            raise RateLimitUnavailable() from exc
        request.user = user
        _staff_area_check(request, user)
        return user


class CsrfSessionAuth(SessionAuth):
    """The site's session cookie. The CSRF check runs only for a logged-in person, so an
    anonymous caller gets 401 (not a confusing CSRF error)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and check_csrf(request) is not None:
            raise AuthRefused(
                403,
                _("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie."),
                code="csrf_failed",
            )
        _staff_area_check(request, user)
        return user


token_auth = PersonalAccessTokenAuth()
session_auth = CsrfSessionAuth()


#: For routers and operations: ``Router(auth=AUTH)``.
AUTH = [token_auth, session_auth]
