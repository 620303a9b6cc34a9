"""The staff areas that need a second factor, defined once (ADR 0022).

An area is a set of pages (by the URL namespace and name of the resolved view, or the path
for the Wagtail admin) and API routes, and the roles that work there. A person with one of
those roles (or a superuser) must have an enabled second factor (an authenticator app or a
security key/passkey, allauth.mfa) before any page or API call of the area answers. Anyone
else passes through to the view, which gives its usual 403/404: the prompt never tells a
person without a role that the area exists.

Enforced by ``accounts.middleware.StaffAreaTwoFactorMiddleware`` (pages, /admin/) and
``accounts.api_auth`` (the API, a JSON 403). Switched by the setting ``TWO_FACTOR_REQUIRED``.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core import checks
from django.urls import ResolverMatch
from django.utils.http import url_has_allowed_host_and_scheme

from . import roles

#: The authenticator types that count as a second factor (recovery codes are a fallback for a
#: lost factor, not a factor of their own).
FACTOR_TYPES = ("totp", "webauthn")
#: Where a person sent to set up a factor goes back to afterwards (accounts.middleware).
NEXT_SESSION_KEY = "two_factor_next"
#: The stable `code` of the API's refusal (config/api_errors.py body).
API_ERROR_CODE = "second_factor_required"


@dataclass(frozen=True)
class StaffArea:
    key: str
    #: who needs a factor here (superusers always do) ...
    roles: frozenset[str]
    #: ... and whoever has a row in one of these reverse relations of the user (a session's
    #: trainer, a format's organiser, an organisation's manager), role group or not; named
    #: as strings so this lowest layer imports none of the apps that define them
    relations: tuple[str, ...] = ()
    #: every page of these URL namespaces ...
    namespaces: frozenset[str] = frozenset()
    #: ... except these ("namespace:name"), which are public or a learner's own pages
    excluded: frozenset[str] = frozenset()
    #: single pages ("namespace:name", or "name" for a view without a namespace)
    pages: frozenset[str] = frozenset()
    #: pages under this path prefix (the Wagtail admin has many namespaces)
    path_prefix: str = ""
    #: API routes (paths under /api/v1/), as regular expressions
    api_routes: tuple[re.Pattern[str], ...] = field(default=())

    def has_page(self, match: ResolverMatch | None, path: str) -> bool:
        if self.path_prefix and path.startswith(self.path_prefix):
            return True
        if match is None:
            return False
        if match.view_name in self.pages:
            return True
        return match.namespace in self.namespaces and match.view_name not in self.excluded

    def has_api_route(self, route: str) -> bool:
        return any(pattern.match(route) for pattern in self.api_routes)


ADMIN = StaffArea(
    key="admin",
    roles=frozenset(roles.TWO_FACTOR_ROLES),
    path_prefix="/admin/",
)
PROGRAMME = StaffArea(
    key="programme",
    roles=frozenset({roles.PROGRAMME_STAFF, roles.REGIONAL_COORDINATOR, roles.SITE_ADMIN}),
    namespaces=frozenset({"reporting"}),
    api_routes=(re.compile(r"reports(/|$)"),),
)
ORGANISATION_MANAGEMENT = StaffArea(
    key="organisations",
    roles=frozenset({roles.ORGANISATION_MANAGER, roles.PROGRAMME_STAFF, roles.SITE_ADMIN}),
    relations=("managed_organisations",),
    namespaces=frozenset({"organisations"}),
    excluded=frozenset(
        {
            "organisations:register",  # anyone registers their establishment (then manages it)
            "organisations:public_list",
            "organisations:join",
            "organisations:invitation_accept",
            "organisations:manager_invitation_accept",
        }
    ),
    api_routes=(re.compile(r"organisations(/|$)"),),
)
TRAINING_STAFF = StaffArea(
    key="trainings",
    roles=frozenset(
        {roles.TRAINING_ORGANISER, roles.TRAINER, roles.PROGRAMME_STAFF, roles.SITE_ADMIN}
    ),
    relations=("trained_sessions", "organised_training_formats"),
    pages=frozenset(
        {
            "trainings:attendance",
            "trainings:evaluation_results",
            "trainings:evaluation_export",
            "trainings:format_evaluation_results",
            "trainings:format_evaluation_export",
            "trainings:group_requests",
            "trainings:group_request",
        }
    ),
    api_routes=(
        re.compile(r"trainings/[^/]+/(participants|attendance|evaluation/results)(/|$)"),
        re.compile(r"trainings/formats/[^/]+/evaluation/results(/|$)"),
    ),
)
CERTIFICATE_ADMINISTRATION = StaffArea(
    key="certificates",
    roles=frozenset({roles.PROGRAMME_STAFF, roles.SITE_ADMIN}),
    pages=frozenset(
        {
            "certificates_admin",
            "certificates_admin_reissue",
            "certificates_admin_job",
            "certificates_admin_detail",
            "certificates_admin_revoke",
            "outbox_stuck",
            "outbox_retry",
        }
    ),
)

AREAS = (ADMIN, PROGRAMME, ORGANISATION_MANAGEMENT, TRAINING_STAFF, CERTIFICATE_ADMINISTRATION)
#: Every role that needs a second factor somewhere (the demo gives these an authenticator).
ROLES_WITH_A_FACTOR = frozenset().union(*(area.roles for area in AREAS))


def required() -> bool:
    return bool(settings.TWO_FACTOR_REQUIRED)


def has_factor(user) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, list(FACTOR_TYPES))


def works_in(user, area: StaffArea) -> bool:
    """Whether `user` has a role in `area` (superusers work everywhere)."""
    if user.is_superuser or user.groups.filter(name__in=area.roles).exists():
        return True
    return any(getattr(user, relation).exists() for relation in area.relations)


def page_area(match: ResolverMatch | None, path: str) -> StaffArea | None:
    return next((area for area in AREAS if area.has_page(match, path)), None)


def api_area(route: str) -> StaffArea | None:
    return next((area for area in AREAS if area.has_api_route(route)), None)


def factor_missing(user, area: StaffArea | None) -> bool:
    """Whether `user` must set up a second factor before `area` answers."""
    if area is None or not required() or not user.is_authenticated:
        return False
    # the factor first: staff have one, so their requests cost one query, not the role's too
    return not has_factor(user) and works_in(user, area)


def safe_next(request, url: str | None) -> str | None:
    """`url` if it is a page of this site (never an outside address), else None."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@checks.register(checks.Tags.security, deploy=True)
def check_two_factor_required(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy` warns when the staff areas would answer without a second factor."""
    if required():
        return []
    return [
        checks.Warning(
            "TWO_FACTOR_REQUIRED is off: staff areas answer without a second factor.",
            hint="Unset TWO_FACTOR_REQUIRED (and ADMIN_TWO_FACTOR_REQUIRED) in production.",
            id="accounts.W001",
        )
    ]
