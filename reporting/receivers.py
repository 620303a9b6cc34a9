"""Signal receivers connected in ReportingConfig.ready: the one point where the pass chain
reaches the kept counts (ADR 0020). Each runs INSIDE the sender's transaction, so a kept count
never disagrees with a committed completion, revocation or profile."""

from certificates.models import CertificateEvent

from .services import counted_person_refresh

#: the profile fields a kept count depends on (breakdowns, sector and role filters)
PROFILE_FIELDS = ("region_id", "sector_id", "professional_role_id")
#: the names `save(update_fields=...)` may give them by
PROFILE_UPDATE_FIELDS = frozenset({*PROFILE_FIELDS, "region", "sector", "professional_role"})
#: set on the instance by `on_user_saving` for `on_user_saved` of the same save
PROFILE_CHANGED = "kept_counts_profile_changed"


def on_course_passed(sender, completion, **kwargs) -> None:
    counted_person_refresh(user_id=completion.user_id, course_keys=[completion.course_key])


def on_certificate_status_changed(sender, certificate, cause=None, **kwargs) -> None:
    """A revoked certificate voids its pass (ADR 0012); other changes leave the pass counted."""
    if cause == CertificateEvent.Kind.REVOKED:
        counted_person_refresh(user_id=certificate.user_id, course_keys=[certificate.course_key])


def on_user_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a user is saved: does the save change a field a kept count depends on? One
    query by primary key; none for a save that names only other fields (a login)."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not (PROFILE_UPDATE_FIELDS & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values_list(*PROFILE_FIELDS).first()
    now = tuple(getattr(instance, name) for name in PROFILE_FIELDS)
    setattr(instance, PROFILE_CHANGED, before != now)


def on_user_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A changed region, sector or role moves the person between kept cells (or in or out of a
    filtered target). Other saves (a login, a corrected name) cost no refresh."""
    changed = getattr(instance, PROFILE_CHANGED, False)
    if changed:
        delattr(instance, PROFILE_CHANGED)
    if created or raw or not changed:
        return  # a new account has no completions yet
    counted_person_refresh(user_id=instance.pk)
