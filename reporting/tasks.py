"""Thin Celery tasks: take ids, load fresh rows, call one service. Safe to run twice."""

from celery import shared_task


@shared_task(time_limit=3600, soft_time_limit=3500)
def target_counts_rebuild(target_id: int) -> int | None:
    """Rebuild one target's kept counts unless they are current already (an edit of the title
    changes nothing that counts)."""
    from .selectors import kept_counts_current, targets_queryset
    from .services import target_counts_rebuild as rebuild

    target = targets_queryset().filter(pk=target_id).first()
    if target is None or kept_counts_current(target):
        return None
    return rebuild(target=target)


@shared_task(time_limit=3600, soft_time_limit=3500)
def targets_counts_rebuild_stale() -> int:
    """Nightly safety net: rebuild the kept counts of targets whose definition changed."""
    from .services import targets_counts_rebuild

    return len(targets_counts_rebuild(stale_only=True))
