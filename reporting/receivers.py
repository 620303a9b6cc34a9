"""Signal receivers connected in ReportingConfig.ready: the one point where the pass chain
reaches the kept counts (ADR 0020). Each runs INSIDE the sender's transaction, so a kept count
never disagrees with a committed completion, revocation or profile."""

from .services import counted_person_refresh

#: the profile fields a kept count depends on (breakdowns, sector and role filters)
PROFILE_FIELDS = frozenset({"region", "region_id", "sector", "sector_id", "professional_role"})


def on_completion_recorded(sender, completion, **kwargs) -> None:
    counted_person_refresh(user_id=completion.user_id, course_keys=[completion.course_key])


def on_certificate_revoked(sender, certificate, **kwargs) -> None:
    counted_person_refresh(user_id=certificate.user_id, course_keys=[certificate.course_key])


def on_user_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """A changed region, sector or role moves the person between kept cells (or in or out of a
    filtered target). Saves that cannot change them (a login's last_login) cost nothing."""
    if created or raw:
        return  # a new account has no completions yet
    if update_fields is not None and not (PROFILE_FIELDS & set(update_fields)):
        return
    counted_person_refresh(user_id=instance.pk)
