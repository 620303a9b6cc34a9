"""Admin guards: two-factor authentication for privileged roles, and the admin's CSP."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .roles import requires_two_factor

CSP_HEADER = "Content-Security-Policy"


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
