"""Signal receivers connected in ReportingConfig.ready: the one point where the pass chain
reaches the kept counts (ADR 0020). Each runs INSIDE the sender's transaction, so a kept count
never disagrees with a committed completion, revocation or profile."""

from certificates.models import CertificateEvent
from organisations.selectors import current_memberships

from .services import counted_people_refresh, outside_counts_match

#: the profile fields a kept count depends on (breakdowns, sector and role filters)
PROFILE_FIELDS = ("region_id", "sector_id", "professional_role_id")
#: the names `save(update_fields=...)` may give them by
PROFILE_UPDATE_FIELDS = frozenset({*PROFILE_FIELDS, "region", "sector", "professional_role"})
#: the fields `on_user_saving` compares, by the names `save(update_fields=...)` may give them
WATCHED_UPDATE_FIELDS = PROFILE_UPDATE_FIELDS | {"email"}
#: set on the instance by `on_user_saving` for `on_user_saved` of the same save
PROFILE_CHANGED = "kept_counts_profile_changed"
EMAIL_CHANGED = "outside_counts_email_changed"


def on_course_passed(sender, completion, **kwargs) -> None:
    counted_people_refresh(user_ids=[completion.user_id], course_keys=[completion.course_key])


def on_certificate_status_changed(sender, certificate, cause=None, **kwargs) -> None:
    """A revoked certificate voids its pass (ADR 0012); other changes leave the pass counted."""
    if cause == CertificateEvent.Kind.REVOKED:
        counted_people_refresh(user_ids=[certificate.user_id], course_keys=[certificate.course_key])


def on_user_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a user is saved: does the save change a field a kept count depends on, or the
    e-mail address imported person rows are matched on? One query by primary key; none for a
    save that names only other fields (a login)."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not (WATCHED_UPDATE_FIELDS & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values_list(*PROFILE_FIELDS, "email").first()
    now = tuple(getattr(instance, name) for name in PROFILE_FIELDS)
    setattr(instance, PROFILE_CHANGED, before is None or before[:-1] != now)
    setattr(instance, EMAIL_CHANGED, before is None or before[-1] != instance.email)


def on_user_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A changed region, sector or role moves the person between kept cells (or in or out of a
    filtered target). A new account or a changed e-mail address is matched to the imported
    person rows with its key, so a person imported before they registered counts once
    (ADR 0024). Other saves (a login, a corrected name) cost nothing."""
    changed = getattr(instance, PROFILE_CHANGED, False)
    if changed:
        delattr(instance, PROFILE_CHANGED)
    email_changed = getattr(instance, EMAIL_CHANGED, False)
    if email_changed:
        delattr(instance, EMAIL_CHANGED)
    if raw:
        return
    if created or email_changed:
        outside_counts_match(user=instance)
    if created or not changed:
        return  # a new account has no completions yet
    counted_people_refresh(user_ids=[instance.pk])


#: set on an organisation by `on_organisation_saving` when the save changes its kind
KIND_CHANGED = "kept_counts_kind_changed"


def on_membership_saved(
    sender, instance, created=False, raw=False, update_fields=None, **kwargs
) -> None:
    """Joining an organisation or leaving it moves the person between the kept cells of
    organisation kinds. A save that names only other fields (a role) refreshes nothing."""
    if raw:
        return
    if not created and update_fields is not None and "left_at" not in update_fields:
        return
    counted_people_refresh(user_ids=[instance.user_id])


def on_membership_deleted(sender, instance, origin=None, **kwargs) -> None:
    """A membership deleted on its own (in the admin): the same move. When its organisation is
    being deleted, `on_organisation_deleted` moves all its people at once."""
    if _organisation_deletion(origin):
        return
    counted_people_refresh(user_ids=[instance.user_id])


def _organisation_deletion(origin) -> bool:
    """Is `origin` (the instance or queryset whose delete() sent the signal) organisations?"""
    from organisations.models import Organisation

    return isinstance(origin, Organisation) or getattr(origin, "model", None) is Organisation


#: set on an organisation by `on_organisation_deleting`: who works there now
MEMBERS = "kept_counts_members"


def on_organisation_deleting(sender, instance, **kwargs) -> None:
    """Before an organisation and its memberships are deleted: who works there now. One
    query per organisation deleted."""
    setattr(instance, MEMBERS, _current_members(instance))


def on_organisation_deleted(sender, instance, **kwargs) -> None:
    """After: everyone who worked there moves out of its kind, in one refresh."""
    members = getattr(instance, MEMBERS, [])
    if members:
        delattr(instance, MEMBERS)
    counted_people_refresh(user_ids=members)


def _current_members(organisation) -> list[int]:
    return list(current_memberships(organisation=organisation).values_list("user_id", flat=True))


def on_organisation_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before an organisation is saved: does it change kind? One query by primary key; none
    for a save that names only other fields."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and "kind" not in update_fields:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
    setattr(instance, KIND_CHANGED, before is not None and before != instance.kind)


def on_organisation_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A changed kind moves everyone who works there now, in one refresh."""
    changed = getattr(instance, KIND_CHANGED, False)
    if changed:
        delattr(instance, KIND_CHANGED)
    if created or raw or not changed:
        return
    counted_people_refresh(user_ids=_current_members(instance))
