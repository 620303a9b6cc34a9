"""Template context shared by every page."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject

from organisations.models import Organisation

_REPORTS = {"content_type__app_label": "accounts", "codename": "view_programme_reports"}


def _navigation(user) -> dict[str, bool]:
    """Which role links the main navigation shows, in one query (the per-request cost of
    `perms.…` plus a manager lookup was three). The views check permissions themselves."""
    if not user.is_authenticated:
        return {"reports": False, "organisations": False}
    user_model = get_user_model()
    row = (
        user_model.objects.filter(pk=user.pk)
        .annotate(
            direct=Exists(Permission.objects.filter(user=OuterRef("pk"), **_REPORTS)),
            via_group=Exists(Permission.objects.filter(group__user=OuterRef("pk"), **_REPORTS)),
            manages=Exists(Organisation.managers.through.objects.filter(user_id=OuterRef("pk"))),
        )
        .values("direct", "via_group", "manages")
        .first()
    )
    if row is None:
        return {"reports": False, "organisations": False}
    reports = user.is_active and (user.is_superuser or row["direct"] or row["via_group"])
    return {"reports": reports, "organisations": reports or row["manages"]}


def navigation(request):
    return {"nav": SimpleLazyObject(lambda: _navigation(request.user))}
