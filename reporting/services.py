"""Kept counts (ADR 0020): who counts toward each people target, kept as it happens.

`counted_person_refresh` brings one person's rows up to date from their raw completions; the
receivers in `reporting.receivers` call it inside the transaction of every event that can change
it (a completion recorded, a certificate revoked, a profile's region, sector or role changed), so
the kept counts commit or roll back with the event. `target_counts_rebuild` replaces a target's
kept counts by a full recount from the raw rows (management command, Celery task, after an
editor changes what a target counts)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Min

from certificates.models import Certificate
from lms.models import Completion

from . import rules
from .models import CountedCell, CountedPerson, Target
from .selectors import (
    LOCAL_TZ,
    counts_fingerprint,
    first_passes_ever,
    kept_counts_current,
    target_course_keys,
    targets_queryset,
)


def _lock_counts(mode: str) -> None:
    # A rebuild (SHARE ROW EXCLUSIVE) waits for every transaction that writes kept counts (ROW
    # EXCLUSIVE) and holds new ones off until it commits, so no pass falls between its delete
    # and its recount. SQLite serialises writers by itself.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {CountedPerson._meta.db_table} IN {mode} MODE")


def _month(moment: datetime):
    return rules.month_start(moment.astimezone(LOCAL_TZ).date())


def _cells_add(changes: Counter) -> None:
    """Apply each change (+n / -n people) to its kept cell: one upsert for all grown cells, an
    update per shrunk one (a shrunk cell exists: the person was counted in it)."""
    grown = [(cell, delta) for cell, delta in changes.items() if delta > 0]
    shrunk = [(cell, delta) for cell, delta in changes.items() if delta < 0]
    for (target_id, month, region_key, sector_key), delta in shrunk:
        CountedCell.objects.filter(
            target_id=target_id, month=month, region_key=region_key, sector_key=sector_key
        ).update(people=F("people") + delta)
    if shrunk:
        CountedCell.objects.filter(
            target_id__in={cell[0] for cell, _delta in shrunk}, people=0
        ).delete()
    if grown:
        table = connection.ops.quote_name(CountedCell._meta.db_table)
        rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(grown))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (target_id, month, region_key, sector_key, people) "  # noqa: S608
                f"VALUES {rows} "
                "ON CONFLICT (target_id, month, region_key, sector_key) "
                f"DO UPDATE SET people = {table}.people + EXCLUDED.people",
                [value for cell, delta in grown for value in (*cell, delta)],
            )


def _people_targets(course_keys: set[uuid.UUID] | None) -> list[Target]:
    """The people targets with current kept counts that count one of `course_keys` (all when
    None), with what their definition needs (courses, sector and role filters)."""
    targets = Target.objects.filter(unit=Target.Unit.PEOPLE_PASSED).prefetch_related(
        "courses", "sectors", "professional_roles"
    )
    if course_keys is not None:
        targets = targets.filter(courses__course_key__in=course_keys).distinct()
    return [t for t in targets if kept_counts_current(t)]


def counted_person_refresh(*, user_id: int, course_keys: Iterable[uuid.UUID] | None = None) -> None:
    """Bring the kept counts of one person up to date with their raw completions, for every
    people target with current kept counts that counts one of `course_keys` (all when None).
    Runs in the caller's transaction (a pass, a revocation, a profile change): a fixed number
    of small queries, however many targets count the course."""
    keys = None if course_keys is None else {uuid.UUID(str(k)) for k in course_keys}
    with transaction.atomic():
        targets = _people_targets(keys)
        if not targets:
            return
        _lock_counts("ROW EXCLUSIVE")
        # one person's refreshes run one after the other (two passes at once must not both
        # insert the person's row)
        user = (
            get_user_model()
            .objects.select_for_update()
            .only("region_id", "sector_id", "professional_role_id")
            .get(pk=user_id)
        )
        passes = (
            Completion.objects.filter(user_id=user_id)
            .exclude(certificate__status=Certificate.Status.REVOKED)
            .order_by()
            .values("course_key")
            .annotate(first=Min("completed_at"))
        )
        first_by_course = {row["course_key"]: row["first"] for row in passes}
        existing = {
            row.target_id: row
            for row in CountedPerson.objects.filter(
                user_id=user_id, target_id__in=[t.pk for t in targets]
            )
        }
        region_key, sector_key = user.region_id or 0, user.sector_id or 0
        changes: Counter = Counter()
        created: list[CountedPerson] = []
        updated: list[CountedPerson] = []
        removed: list[int] = []
        for target in targets:
            sector_ids = {s.pk for s in target.sectors.all()}
            role_ids = {r.pk for r in target.professional_roles.all()}
            eligible = (not sector_ids or user.sector_id in sector_ids) and (
                not role_ids or user.professional_role_id in role_ids
            )
            firsts = [
                first_by_course[key] for key in target_course_keys(target) if key in first_by_course
            ]
            first = min(firsts) if eligible and firsts else None
            row = existing.get(target.pk)
            if row is not None:
                same = (
                    first is not None
                    and row.first_counted_at == first
                    and (row.region_key, row.sector_key) == (region_key, sector_key)
                )
                if same:
                    continue
                changes[(target.pk, row.month, row.region_key, row.sector_key)] -= 1
                if first is None:
                    removed.append(row.pk)
                    continue
            if first is None:
                continue
            month = _month(first)
            changes[(target.pk, month, region_key, sector_key)] += 1
            if row is None:
                row = CountedPerson(target_id=target.pk, user_id=user_id)
                created.append(row)
            else:
                updated.append(row)
            row.first_counted_at, row.month = first, month
            row.region_key, row.sector_key = region_key, sector_key
        if removed:
            CountedPerson.objects.filter(pk__in=removed).delete()
        if created:
            CountedPerson.objects.bulk_create(created)
        if updated:
            CountedPerson.objects.bulk_update(
                updated, ["first_counted_at", "month", "region_key", "sector_key"]
            )
        _cells_add(changes)


def target_counts_rebuild(*, target: Target) -> int:
    """Replace the target's kept counts by a full recount of the raw rows (one INSERT ...
    SELECT for the people, one for the cells) and mark them current. Returns the number of
    people counted. Other targets and organisation targets are not touched."""
    target = targets_queryset().get(pk=target.pk)
    with transaction.atomic():
        _lock_counts("SHARE ROW EXCLUSIVE")
        CountedCell.objects.filter(target=target).delete()
        CountedPerson.objects.filter(target=target).delete()
        people = 0
        if target.counts_people and target_course_keys(target):
            people = _insert_people(target)
            _insert_cells(target)
        Target.objects.filter(pk=target.pk).update(counts_fingerprint=counts_fingerprint(target))
    return people


def _insert_people(target: Target) -> int:
    # One row per person: the first non-revoked pass (`counting_completions` applies the
    # target's filters and the revocation rule exactly as the live recount does).
    sql, params = first_passes_ever(target=target).query.sql_with_params()
    table = connection.ops.quote_name(CountedPerson._meta.db_table)
    # SQLite's truncated month is a 'YYYY-MM-DD 00:00:00' text; the column holds a date
    month = "date(r_month)" if connection.vendor == "sqlite" else "r_month"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608
            "(target_id, user_id, first_counted_at, month, region_key, sector_key) "
            f"SELECT %s, r_user, r_first, {month}, r_region, r_sector FROM ({sql}) people",
            [target.pk, *params],
        )
        return cursor.rowcount


def _insert_cells(target: Target) -> None:
    people = connection.ops.quote_name(CountedPerson._meta.db_table)
    cells = connection.ops.quote_name(CountedCell._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {cells} (target_id, month, region_key, sector_key, people) "  # noqa: S608
            f"SELECT target_id, month, region_key, sector_key, COUNT(*) FROM {people} "
            "WHERE target_id = %s GROUP BY target_id, month, region_key, sector_key",
            [target.pk],
        )


def targets_counts_rebuild(*, stale_only: bool = False) -> list[tuple[Target, int]]:
    """Rebuild every people target's kept counts (only those not current with `stale_only`)."""
    done = []
    for target in targets_queryset().filter(unit=Target.Unit.PEOPLE_PASSED):
        if stale_only and kept_counts_current(target):
            continue
        done.append((target, target_counts_rebuild(target=target)))
    return done


def target_population_set(*, target: Target, population: int, source: str, on_date) -> Target:
    """Programme staff enter N of an "all of N" target (the size of the whole group), with where
    it comes from and on which date it held. The percentage, needed rate and forecast follow."""
    if target.goal != Target.Goal.ALL_OF_N:
        raise ValueError("only an 'all of N' target has an N to enter")
    target.population = population
    target.population_source = source.strip()
    target.population_date = on_date
    target.save(update_fields=["population", "population_source", "population_date"])
    return target
