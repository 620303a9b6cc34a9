"""Template context shared by every page."""

import uuid
from functools import cache as memoize

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.utils.functional import SimpleLazyObject

from organisations.models import Organisation

# The permission behind the programme dashboard link (accounts.view_programme_reports).
_REPORTS = ("accounts", "view_programme_reports")


@memoize
def _navigation_sql() -> str:
    """One statement with three EXISTS. Written out because it runs on every page: the ORM's
    compilation of the same query cost ~1.5 ms of CPU per request, the statement ~0.1 ms."""
    user_model = get_user_model()
    user_permissions = user_model.user_permissions.through._meta.db_table
    user_groups = user_model.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    permission = Permission._meta.db_table
    content_type = ContentType._meta.db_table
    managers = Organisation.managers.through._meta.db_table
    is_reports = (
        "p.id = x.permission_id AND ct.id = p.content_type_id "
        "AND ct.app_label = %s AND p.codename = %s"
    )
    # Only table names from the models' metadata are formatted in; values are parameters.
    return (
        "SELECT "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {user_permissions} x, {permission} p, {content_type} ct "
        f"WHERE x.user_id = %s AND {is_reports}), "
        f"EXISTS (SELECT 1 FROM {user_groups} g, {group_permissions} x, {permission} p, "
        f"{content_type} ct WHERE g.user_id = %s AND x.group_id = g.group_id AND {is_reports}), "
        f"EXISTS (SELECT 1 FROM {managers} m WHERE m.user_id = %s)"
    )


def _navigation(user) -> dict[str, bool]:
    """Which role links the main navigation shows (the views check permissions themselves)."""
    if not user.is_authenticated:
        return {"reports": False, "organisations": False}
    with connection.cursor() as cursor:
        cursor.execute(_navigation_sql(), [user.pk, *_REPORTS, user.pk, *_REPORTS, user.pk])
        direct, via_group, manages = (bool(v) for v in cursor.fetchone())
    reports = user.is_active and (user.is_superuser or direct or via_group)
    return {"reports": reports, "organisations": reports or manages}


#: A person's role links are kept this long at most; any change to roles, permissions,
#: people or managers ends all of them at once (`forget_navigation`).
NAVIGATION_SECONDS = 300
_GENERATION = "nav-flags:generation"


def forget_navigation(**_kwargs) -> None:
    """Start a new generation of kept role links (a signal receiver: see `CmsConfig.ready`)."""
    cache.set(_GENERATION, uuid.uuid4().hex, timeout=None)


def navigation_flags(request) -> dict[str, bool]:
    """The role links for this request's user: from the cache when kept in the current
    generation, else looked up (one statement) and kept. The generation is read before the
    lookup, so a change while it runs leaves an entry that is already out of date."""
    flags = getattr(request, "_navigation_flags", None)
    if flags is not None:
        return flags
    user = request.user
    if not user.is_authenticated:
        flags = _navigation(user)
    else:
        key = f"nav-flags:user:{user.pk}"
        found = cache.get_many([_GENERATION, key])
        generation = found.get(_GENERATION)
        kept = found.get(key)
        if kept is not None and kept[0] == generation:
            flags = kept[1]
        else:
            flags = _navigation(user)
            cache.set(key, (generation, flags), timeout=NAVIGATION_SECONDS)
    request._navigation_flags = flags
    return flags


def navigation(request):
    return {"nav": SimpleLazyObject(lambda: navigation_flags(request))}
