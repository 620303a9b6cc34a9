"""Admin guards (two-factor authentication for privileged roles, the admin's CSP), the guard on
what the site's forms receive, and account actions refused while their rate limits cannot be
counted."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .plain_text import MESSAGE as PLAIN_TEXT_MESSAGE
from .plain_text import has_forbidden_characters
from .rate_limits import RETRY_AFTER_SECONDS, store_available
from .roles import requires_two_factor

CSP_HEADER = "Content-Security-Policy"

#: Account actions whose rate limits protect a secret (a password, a reset or confirmation key,
#: a second factor): while the rate-limit store is down they are refused with 503 rather than
#: let unlimited guesses through (ADR 0019). Everything else keeps working without it.
SECRET_GUARDING_VIEWS = frozenset(
    {
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_from_key",
        "account_confirm_email",
        "account_reauthenticate",
        "account_change_password",
        "mfa_authenticate",
        "mfa_reauthenticate",
    }
)


class RateLimitFailClosedMiddleware:
    """A POST to an account action that guards a secret gets a clear 503 while its rate limit
    cannot be counted (Redis down). GET requests, so the login page itself, still answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        match = request.resolver_match
        if match is None or match.url_name not in SECRET_GUARDING_VIEWS:
            return None
        if store_available():
            return None
        response = render(request, "503_limits.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _is_admin_path(path: str) -> bool:
    return path.startswith("/admin/")


class AdminAccessMiddleware:
    """Guards /admin/: people without admin access get a clear 403 (not a login loop), and
    editors, programme staff and site admins get in only after enabling TOTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (_is_admin_path(request.path) and request.user.is_authenticated):
            return self.get_response(request)
        if not request.user.has_perm("wagtailadmin.access_admin"):
            return render(request, "403.html", {"admin_denied": True}, status=403)
        if settings.ADMIN_TWO_FACTOR_REQUIRED and requires_two_factor(request.user):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(request.user, ["totp"]):
                messages.warning(
                    request,
                    _(
                        "Set up two-factor authentication (an authenticator app) before you "
                        "use the management environment."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class AdminContentSecurityPolicyMiddleware:
    """The Wagtail admin needs inline scripts; relax the policy for /admin/ only.

    Must sit after csp.middleware.CSPMiddleware so it marks the response first.

    A preview (the editor's preview panel frames it) is rendered by Wagtail through the site's
    own middleware, so it comes back with the site's policy already set, which refuses every
    frame (`frame-ancestors 'none'`) and would leave the panel empty. There, and only there,
    the admin may frame it: same origin (Wagtail sets `X-Frame-Options: SAMEORIGIN` too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not _is_admin_path(request.path):
            return response
        policy = response.get(CSP_HEADER)
        if policy is not None:
            response[CSP_HEADER] = policy.replace(
                "frame-ancestors 'none'", "frame-ancestors 'self'"
            )
        else:
            response._csp_config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return response


class FormInputGuardMiddleware:
    """One guard for every form the site's pages receive (ADR 0018): a POST whose values hold
    control or text-direction characters (accounts.plain_text), a value longer than
    ``MAX_VALUE_LENGTH`` characters, or a body over DATA_UPLOAD_MAX_MEMORY_SIZE is answered
    with a page that says what is wrong (400, or 413 for the size), before any view stores
    anything. Forms still check their own lengths and formats (a form error on the page).

    Not here: /api/ (its schemas refuse such values with a JSON 422, config/api_errors.py) and
    the Wagtail admin /admin/ (editors' content is checked by Wagtail's forms)."""

    #: Longer than any field the site's own forms take (their limits are far lower).
    MAX_VALUE_LENGTH = 10_000

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and not request.path_info.startswith(
            ("/api/", "/admin/")
        ):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request):
        try:
            values = [value for _key, items in request.POST.lists() for value in items]
        except RequestDataTooBig:
            return self._page(request, 413, _("What you sent is too large."))
        except SuspiciousOperation:  # too many fields, malformed multipart
            return self._page(request, 400, _("What you sent could not be read."))
        for value in values:
            if len(value) > self.MAX_VALUE_LENGTH:
                return self._page(
                    request,
                    400,
                    _("A field is too long: at most %(count)s characters.")
                    % {"count": self.MAX_VALUE_LENGTH},
                )
            if has_forbidden_characters(value):
                return self._page(request, 400, str(PLAIN_TEXT_MESSAGE))
        return None

    @staticmethod
    def _page(request, status: int, message: str):
        return render(
            request, "input_rejected.html", {"message": message, "status": status}, status=status
        )
