"""Who may see a personal certificate's page and PDF: the owner, programme staff, or anyone a
registered check allows (organisations registers "managers of the holder's organisation")."""

from collections.abc import Callable
from typing import Any

ViewerCheck = Callable[[Any, Any], bool]
_viewer_checks: list[ViewerCheck] = []

#: Programme staff hold this permission (see accounts.models.User.Meta.permissions).
PROGRAMME_PERMISSION = "accounts.view_programme_reports"


def register_viewer_check(fn: ViewerCheck) -> ViewerCheck:
    """Register `fn(user, certificate) -> bool` granting extra viewers. Idempotent."""
    if fn not in _viewer_checks:
        _viewer_checks.append(fn)
    return fn


def is_programme_staff(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(PROGRAMME_PERMISSION))


def can_view(user, certificate) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if certificate.user_id is not None and certificate.user_id == user.pk:
        return True
    if is_programme_staff(user):
        return True
    return any(check(user, certificate) for check in _viewer_checks)
