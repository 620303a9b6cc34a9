"""Template context shared by every page: which role links the main navigation offers, and
which content pages the footer lists (`footer_pages`).

The links follow from five things: whether the person is active, a superuser, holds the
programme-reports permission (directly or through a role) or the regional coordinator role and
manages an organisation. They are
looked up with Django's own `has_perm` and one query with two `Exists` and kept per person in the shared cache,
because every signed-in page shows them. An entry is forgotten only when what it was computed
from changes (`forget_people` and the receivers in `CmsConfig.ready`): a membership, a role's
permissions, a deleted role, permission or organisation. `is_active` and `is_superuser` are kept
with the entry and compared with the signed-in user on every read, so saving a person (each
sign-in writes `last_login`) forgets nothing. The views check permissions themselves; the links
only decide what is offered.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Exists, Q
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from accounts import roles

#: The permission behind the programme dashboard link.
REPORTS_PERMISSION = "accounts.view_programme_reports"
#: A kept entry lives at most this long: changes made without signals (a queryset `update()` or
#: `delete()` of memberships) show within this time.
NAVIGATION_SECONDS = 600
_NO_LINKS = {"reports": False, "organisations": False}


def _key(user_id) -> str:
    return f"cms:nav:{user_id}"


def _lookup(user) -> dict[str, bool]:
    """The role links for `user`, from the database (the ORM and `has_perm`)."""
    if not user.is_authenticated or not user.is_active:
        return dict(_NO_LINKS)
    national = user.has_perm(REPORTS_PERMISSION)
    if national:
        return {"reports": True, "organisations": True}
    # one query for both: the reverse relation of Organisation.managers (cms reads no
    # organisations internals) and the regional coordinator role, whose holders read the
    # dashboard of their regions (ADR 0023), not organisations
    links = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            manages=Exists(user.managed_organisations.all()),
            coordinates=Exists(user.groups.filter(name=roles.REGIONAL_COORDINATOR)),
        )
        .values("manages", "coordinates")
        .first()
    ) or {"manages": False, "coordinates": False}
    return {"reports": links["coordinates"], "organisations": links["manages"]}


def navigation_flags(request) -> dict[str, bool]:
    """The role links for this request's user: kept per person, looked up when not kept or when
    the user's `is_active` or `is_superuser` differ from what the entry was computed from."""
    flags = getattr(request, "_navigation_flags", None)
    if flags is not None:
        return flags
    user = request.user
    if not user.is_authenticated:
        flags = dict(_NO_LINKS)
    else:
        inputs = (user.is_active, user.is_superuser)
        kept = cache.get(_key(user.pk))
        if kept is not None and kept[0] == inputs:
            flags = kept[1]
        else:
            flags = _lookup(user)
            cache.set(_key(user.pk), (inputs, flags), timeout=NAVIGATION_SECONDS)
    request._navigation_flags = flags
    return flags


#: The footer's pages are kept per process for this long, so a page published into or taken
#: out of the menus shows in the footer within a minute; nothing needs to forget them.
FOOTER_SECONDS = 60


def footer_pages(request) -> list[dict[str, str]]:
    """The content pages editors put in the menus ("Show in menus", the page's Promote tab; a
    privacy or accessibility statement, contact) in the page's language: title and address, in
    tree order. A page that is not yet translated into this language (an alias of another
    language's page) and a page restricted to some people are left out, so the footer never
    speaks another language and never offers a page the reader may not open."""
    language = translation.get_language()
    key = f"cms:footer:{request.get_host()}:{language}"
    kept = caches["fragments"]
    pages = kept.get(key)
    if pages is None:
        from cms.models import ContentPage

        # One query: a content page lives right under the home page, so only its own view
        # restriction can keep readers out (a restricted home page closes the whole site);
        # Wagtail's `public()` would read every restriction of the site first.
        rows = (
            ContentPage.objects.live()
            .in_menu()
            .filter(locale__language_code=language, alias_of__isnull=True)
            .exclude(view_restrictions__isnull=False)
            .order_by("path")
        )
        pages = [{"title": page.title, "url": page.get_url(request)} for page in rows]
        pages = [page for page in pages if page["url"]]
        kept.set(key, pages, FOOTER_SECONDS)
    return pages


def navigation(request):
    return {
        "nav": SimpleLazyObject(lambda: navigation_flags(request)),
        "footer_pages": SimpleLazyObject(lambda: footer_pages(request)),
    }


def forget_people(user_ids: Iterable) -> None:
    """Forget the kept role links of these people now and again when the current transaction
    commits (a request running meanwhile could keep the old state once more)."""
    keys = [_key(pk) for pk in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _members(group_ids: Iterable) -> list:
    through = get_user_model().groups.through
    return list(
        through.objects.filter(group_id__in=list(group_ids)).values_list("user_id", flat=True)
    )


def _holders(instance) -> list:
    """The people who hold a role, a permission (directly or through a role) or who manage an
    organisation."""
    if isinstance(instance, Group):
        return _members([instance.pk])
    if isinstance(instance, Permission):
        return list(
            get_user_model()
            .objects.filter(Q(user_permissions=instance) | Q(groups__permissions=instance))
            .values_list("pk", flat=True)
        )
    return list(instance.managers.values_list("pk", flat=True))


def membership_changed(sender, instance, action, pk_set, **_kwargs) -> None:
    """m2m_changed receiver for a person's roles, own permissions and organisations, and for a
    role's permissions. A `clear()` names nobody, so its people are looked up before it runs;
    `forget_people` forgets them again when the clear's transaction commits."""
    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    if isinstance(instance, get_user_model()):
        forget_people([instance.pk])
    elif pk_set is None:
        forget_people(_holders(instance))  # a clear: everyone who held it
    elif sender is Group.permissions.through:
        # Permissions given to or taken from a role, or roles given or taken a permission.
        forget_people(_members([instance.pk] if isinstance(instance, Group) else pk_set))
    else:
        forget_people(pk_set)  # the people given or taken a role, permission or organisation


def role_deleted(sender, instance, **_kwargs) -> None:
    """pre_delete receiver for a role, a permission or an organisation: forget the people who
    held it, before the cascade removes the memberships (cascades send no m2m signal)."""
    forget_people(_holders(instance))
