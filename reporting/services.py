"""Kept counts (ADR 0020): who counts toward each people target, kept as it happens.

`counted_people_refresh` brings people's rows up to date from their raw completions; the
receivers in `reporting.receivers` call it inside the transaction of every event that can change
it (a completion recorded, a certificate revoked, a profile's region, sector or role changed,
an organisation joined or left, its kind changed or it was deleted), so the kept counts commit
or roll back with the event. `target_counts_rebuild` replaces a target's kept counts by a full
recount from the raw rows (management command, Celery task, after an editor changes what a
target counts)."""

from __future__ import annotations

import hashlib
import operator
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Min, OuterRef, Q, When
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from accounts.models import Region
from accounts.spreadsheets import CsvUnreadable, csv_read
from certificates.models import Certificate
from lms.models import Completion

from . import rules
from .models import (
    CountedCell,
    CountedMonth,
    CountedPerson,
    OutsideCount,
    OutsideCountFile,
    OutsideSource,
    Target,
)
from .selectors import (
    LOCAL_TZ,
    counts_fingerprint,
    current_kinds,
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


#: a completion's source as a bit of CountedPerson.sources (ADR 0024)
SOURCE_BITS: dict[str, int] = {
    Completion.Source.ELEARNING: rules.SOURCE_ELEARNING,
    Completion.Source.TRAINING: rules.SOURCE_TRAINING,
}


def _month(moment: datetime):
    return rules.month_start(moment.astimezone(LOCAL_TZ).date())


#: the key of a kept cell, and of its roll-up by month, region and sources
CELL_KEY = ("target_id", "month", "region_key", "sector_key", "sources", "kinds")
MONTH_KEY = ("target_id", "month", "region_key", "sources")


#: rows per statement of `_kept_add` (well within SQLite's expression depth and parameters)
KEPT_CHUNK = 200


def _kept_add(model, key: tuple[str, ...], changes: Counter) -> None:
    """Apply each change (+n / -n people) to its kept row of `model` (whose unique key is
    `key`): one UPDATE for the shrunk rows (a shrunk row exists: the people were counted in
    it), rows left at 0 people deleted, one upsert for the grown rows; a statement per
    KEPT_CHUNK rows when a change moves many people at once."""
    grown = [(cell, delta) for cell, delta in changes.items() if delta > 0]
    shrunk = [(cell, delta) for cell, delta in changes.items() if delta < 0]
    for start in range(0, len(shrunk), KEPT_CHUNK):
        chunk = [
            (Q(**dict(zip(key, cell, strict=True))), delta)
            for cell, delta in shrunk[start : start + KEPT_CHUNK]
        ]
        model.objects.filter(reduce(operator.or_, [match for match, _delta in chunk])).update(
            people=Case(
                *[When(match, then=F("people") + delta) for match, delta in chunk],
                default=F("people"),
            )
        )
    if shrunk:
        model.objects.filter(target_id__in={cell[0] for cell, _delta in shrunk}, people=0).delete()
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(key)
    for start in range(0, len(grown), KEPT_CHUNK):
        rows_grown = grown[start : start + KEPT_CHUNK]
        rows = ", ".join([f"({', '.join(['%s'] * (len(key) + 1))})"] * len(rows_grown))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}, people) VALUES {rows} "  # noqa: S608
                f"ON CONFLICT ({columns}) "
                f"DO UPDATE SET people = {table}.people + EXCLUDED.people",
                [value for cell, delta in rows_grown for value in (*cell, delta)],
            )


def _cells_add(changes: Counter) -> None:
    """Apply each change to its kept cell (keyed as CELL_KEY) and to the cell's month row."""
    _kept_add(CountedCell, CELL_KEY, changes)
    months: Counter = Counter()
    for (target_id, month, region_key, _sector, sources, _kinds), delta in changes.items():
        months[(target_id, month, region_key, sources)] += delta
    _kept_add(CountedMonth, MONTH_KEY, months)


def _people_targets(course_keys: set[uuid.UUID] | None) -> list[Target]:
    """The people targets with current kept counts that count one of `course_keys` (all when
    None), with what their definition needs (courses, sector and role filters)."""
    targets = Target.objects.filter(unit=Target.Unit.PEOPLE_PASSED).prefetch_related(
        "courses", "sectors", "professional_roles"
    )
    if course_keys is not None:
        targets = targets.filter(courses__course_key__in=course_keys).distinct()
    return [t for t in targets if kept_counts_current(t)]


def counted_people_refresh(
    *, user_ids: Iterable[int], course_keys: Iterable[uuid.UUID] | None = None
) -> None:
    """Bring the kept counts of these people up to date with their raw completions, for every
    people target with current kept counts that counts one of `course_keys` (all when None).
    Runs in the caller's transaction (a pass, a revocation, a profile change, joining or leaving
    an organisation, an organisation changing kind or deleted): a fixed number of small
    queries, however many people and targets."""
    ids = sorted(set(user_ids))
    keys = None if course_keys is None else {uuid.UUID(str(k)) for k in course_keys}
    if not ids:
        return
    with transaction.atomic():
        targets = _people_targets(keys)
        if not targets:
            return
        _lock_counts("ROW EXCLUSIVE")
        # one person's refreshes run one after the other (two passes at once must not both
        # insert the person's row); the rows are locked in id order, so two refreshes of
        # overlapping groups wait for each other instead of deadlocking
        users = (
            get_user_model()
            .objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
            .only("region_id", "sector_id", "professional_role_id")
            # the same rule as the rebuild's (one subquery in the same statement)
            .annotate(current_kinds=current_kinds(OuterRef("pk")))
        )
        passes = (
            Completion.objects.filter(user_id__in=ids)
            .exclude(certificate__status=Certificate.Status.REVOKED)
            .order_by()
            .values("user_id", "course_key", "source")
            .annotate(first=Min("completed_at"))
        )
        first_by_course: dict[tuple[int, uuid.UUID], datetime] = {}
        sources_by_course: Counter = Counter()
        for found in passes:
            pair = (found["user_id"], found["course_key"])
            first_by_course[pair] = min(found["first"], first_by_course.get(pair, found["first"]))
            sources_by_course[pair] |= SOURCE_BITS[found["source"]]
        existing = {
            (row.user_id, row.target_id): row
            for row in CountedPerson.objects.filter(
                user_id__in=ids, target_id__in=[t.pk for t in targets]
            )
        }
        targets_read = [
            (
                target,
                {s.pk for s in target.sectors.all()},
                {r.pk for r in target.professional_roles.all()},
                target_course_keys(target),
            )
            for target in targets
        ]
        changes: Counter = Counter()
        created: list[CountedPerson] = []
        updated: list[CountedPerson] = []
        removed: list[int] = []
        for user in users:
            region_key, sector_key = user.region_id or 0, user.sector_id or 0
            kinds = user.current_kinds
            for target, sector_ids, role_ids, target_keys in targets_read:
                eligible = (not sector_ids or user.sector_id in sector_ids) and (
                    not role_ids or user.professional_role_id in role_ids
                )
                passed_keys = [key for key in target_keys if (user.pk, key) in first_by_course]
                first = (
                    min(first_by_course[(user.pk, key)] for key in passed_keys)
                    if eligible and passed_keys
                    else None
                )
                sources = 0
                for key in passed_keys:
                    sources |= sources_by_course[(user.pk, key)]
                row = existing.get((user.pk, target.pk))
                if row is not None:
                    same = (
                        first is not None
                        and row.first_counted_at == first
                        and (row.region_key, row.sector_key, row.sources, row.kinds)
                        == (region_key, sector_key, sources, kinds)
                    )
                    if same:
                        continue
                    changes[
                        (
                            target.pk,
                            row.month,
                            row.region_key,
                            row.sector_key,
                            row.sources,
                            row.kinds,
                        )
                    ] -= 1
                    if first is None:
                        removed.append(row.pk)
                        continue
                if first is None:
                    continue
                month = _month(first)
                changes[(target.pk, month, region_key, sector_key, sources, kinds)] += 1
                if row is None:
                    row = CountedPerson(target_id=target.pk, user_id=user.pk)
                    created.append(row)
                else:
                    updated.append(row)
                row.first_counted_at, row.month = first, month
                row.region_key, row.sector_key, row.sources = region_key, sector_key, sources
                row.kinds = kinds
        if removed:
            CountedPerson.objects.filter(pk__in=removed).delete()
        if created:
            CountedPerson.objects.bulk_create(created)
        if updated:
            CountedPerson.objects.bulk_update(
                updated,
                ["first_counted_at", "month", "region_key", "sector_key", "sources", "kinds"],
            )
        _cells_add(changes)


def target_counts_rebuild(*, target: Target) -> int:
    """Replace the target's kept counts by a full recount of the raw rows (one INSERT ...
    SELECT for the people, one for the cells) and mark them current. Returns the number of
    people counted. Other targets and organisation targets are not touched."""
    target = targets_queryset().get(pk=target.pk)
    with transaction.atomic():
        _lock_counts("SHARE ROW EXCLUSIVE")
        CountedMonth.objects.filter(target=target).delete()
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
    sql, params = first_passes_ever(target=target, kinds=True).query.sql_with_params()
    table = connection.ops.quote_name(CountedPerson._meta.db_table)
    # SQLite's truncated month is a 'YYYY-MM-DD 00:00:00' text; the column holds a date
    month = "date(r_month)" if connection.vendor == "sqlite" else "r_month"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608
            "(target_id, user_id, first_counted_at, month, region_key, sector_key, sources, kinds) "
            f"SELECT %s, r_user, r_first, {month}, r_region, r_sector, r_sources, r_kinds "
            f"FROM ({sql}) people",
            [target.pk, *params],
        )
        return cursor.rowcount


def _insert_cells(target: Target) -> None:
    """The target's kept cells and their months, summed from its kept people."""
    people = connection.ops.quote_name(CountedPerson._meta.db_table)
    for model, key in ((CountedCell, CELL_KEY), (CountedMonth, MONTH_KEY)):
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(key)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}, people) "  # noqa: S608
                f"SELECT {columns}, COUNT(*) FROM {people} "
                f"WHERE target_id = %s GROUP BY {columns}",
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


# --- outside counts (ADR 0024) ----------------------------------------------------------------

#: The columns of an outside-counts CSV, in the template's order. Headers are read in every
#: interface language (and as these codes); the template is written in the page's language.
OUTSIDE_COLUMNS = ("date", "source", "count", "email_sha256", "region")
OUTSIDE_COLUMN_LABELS = {
    "date": pgettext_lazy("outside counts CSV column", "date"),
    "source": pgettext_lazy("outside counts CSV column", "source"),
    "count": pgettext_lazy("outside counts CSV column", "count"),
    "email_sha256": pgettext_lazy("outside counts CSV column", "e-mail SHA-256"),
    "region": pgettext_lazy("outside counts CSV column", "region"),
}
#: headers people type themselves, besides the codes and the column names in every language
OUTSIDE_HEADER_WORDS = {
    "datum": "date",
    "data": "date",
    "fecha": "date",
    "bron": "source",
    "źródło": "source",
    "fuente": "source",
    "aantal": "count",
    "liczba": "count",
    "número": "count",
    "cantidad": "count",
    "sha256": "email_sha256",
    "sha-256": "email_sha256",
    "e-mail sha-256": "email_sha256",
    "email sha-256": "email_sha256",
    "regio": "region",
    "región": "region",
}
#: short words for the sources, besides their codes and labels in every interface language
OUTSIDE_SOURCE_WORDS = {
    "buit": OutsideSource.BUIT,
    "e-learning buit": OutsideSource.BUIT,
    "buit e-learning": OutsideSource.BUIT,
    "campaign": OutsideSource.CAMPAIGN,
    "campagne": OutsideSource.CAMPAIGN,
    "kampania": OutsideSource.CAMPAIGN,
    "campaña": OutsideSource.CAMPAIGN,
}


def _source_word(source: str) -> str:
    """The short word for `source` that the page's language uses (each is in
    OUTSIDE_SOURCE_WORDS): the one the template and the error name."""
    if source == OutsideSource.CAMPAIGN:
        return pgettext("outside count source word", "campaign")
    return source


MAX_OUTSIDE_BYTES = 10_000_000
MAX_OUTSIDE_ROWS = 100_000
MAX_OUTSIDE_COUNT = 1_000_000
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
#: ASCII digits only, at most as many as MAX_OUTSIDE_COUNT has: `str.isdigit` also takes "²",
#: which `int` refuses, and `int` refuses more than 4,300 digits
COUNT_DIGITS = re.compile(r"^[0-9]{1,7}$")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


@dataclass(frozen=True)
class RowProblem:
    """What is wrong in an imported file: its line (0: the whole file), column and why."""

    line: int
    field: str
    message: str


class OutsideCountsRejected(Exception):
    """The file was not imported (nothing was stored); `problems` lists every bad row."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__(_("The file was not imported."))
        self.problems = problems


@dataclass(frozen=True)
class OutsideRow:
    line: int
    day: date
    source: str
    count: int
    person_key: str
    region_id: int | None


def _in_every_language(labels: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Each value by its code and by its label in every interface language, lower case."""
    aliases = {}
    for value, label in labels:
        aliases[str(value).lower()] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                aliases[str(label).strip().lower()] = value
    return aliases


def outside_counts_template() -> str:
    """The CSV template in the active language: the header row only (an example row would be
    imported if it were left in), with semicolons like the Dutch exports, so Dutch Excel opens
    it in columns; the import reads commas too."""
    return ";".join(str(OUTSIDE_COLUMN_LABELS[column]) for column in OUTSIDE_COLUMNS) + "\r\n"


def _column(column: str) -> str:
    return str(OUTSIDE_COLUMN_LABELS[column])


def _parse_day(text: str, today: date) -> tuple[date | None, str]:
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if day > today:
            return None, _("The date %(value)s lies in the future.") % {"value": text}
        return day, ""
    return None, _("“%(value)s” is not a date; write it as 2025-03-31 or 31-03-2025.") % {
        "value": text
    }


def outside_counts_parse(*, content: bytes) -> list[OutsideRow]:
    """Read an outside-counts CSV: date, source, count OR e-mail SHA-256, and an optional
    region. Every bad row is reported (line, column, message) and nothing is accepted when one
    row is wrong (OutsideCountsRejected)."""
    try:
        lines = csv_read(content, max_bytes=MAX_OUTSIDE_BYTES)
    except CsvUnreadable as exc:
        raise OutsideCountsRejected([RowProblem(exc.line, "", exc.message)]) from exc
    header_aliases = {
        **_in_every_language(OUTSIDE_COLUMN_LABELS.items()),
        **OUTSIDE_HEADER_WORDS,
    }
    _first_line, first = lines[0]
    header = [header_aliases.get(cell.strip().lower(), "") for cell in first]
    named_twice = sorted({c for c in header if c and header.count(c) > 1}, key=header.index)
    if named_twice:
        # which of the two would count is a guess: refuse it
        raise OutsideCountsRejected(
            [
                RowProblem(
                    1,
                    _column(column),
                    _("The first row names this column more than once."),
                )
                for column in named_twice
            ]
        )
    missing = [c for c in ("date", "source") if c not in header]
    if missing or ("count" not in header and "email_sha256" not in header):
        raise OutsideCountsRejected(
            [
                RowProblem(
                    1,
                    "",
                    _("The first row must name the columns: %(columns)s.")
                    % {"columns": ", ".join(_column(c) for c in OUTSIDE_COLUMNS)},
                )
            ]
        )
    sources = {**_in_every_language(OutsideSource.choices), **OUTSIDE_SOURCE_WORDS}
    regions: dict[str, int] = {}
    for region in Region.objects.all():
        regions[region.slug.lower()] = region.pk
        regions[region.name.lower()] = region.pk
        for name in region.names.values():
            regions[str(name).lower()] = region.pk
    today = timezone.localdate()
    rows: list[OutsideRow] = []
    problems: list[RowProblem] = []
    for line, cells in lines[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_OUTSIDE_ROWS:
            raise OutsideCountsRejected(
                [
                    RowProblem(
                        line,
                        "",
                        _("A file can have at most %(rows)s rows.") % {"rows": MAX_OUTSIDE_ROWS},
                    )
                ]
            )
        record = {c: cell.strip() for c, cell in zip(header, cells, strict=False) if c}
        found: list[RowProblem] = []
        if any(cell.strip() for cell in cells[len(header) :]):
            # "2025-03-31,buit,1,000" in a comma file: the count would be read as 1
            found.append(
                RowProblem(
                    line,
                    "",
                    _(
                        "This row has more cells than the first row has columns. Write numbers "
                        "without a thousands separator."
                    ),
                )
            )

        def problem(column: str, message: str, line: int = line, found=found) -> None:
            found.append(RowProblem(line, _column(column), message))

        day, error = (None, _("Enter a date.")) if not record.get("date") else (None, "")
        if record.get("date"):
            day, error = _parse_day(record["date"], today)
        if error:
            problem("date", error)
        source = sources.get(record.get("source", "").lower())
        if source is None:
            problem(
                "source",
                _("Unknown source “%(value)s”; use one of: %(sources)s.")
                % {
                    "value": record.get("source", ""),
                    "sources": ", ".join(
                        f"{_source_word(value)} ({label})" for value, label in OutsideSource.choices
                    ),
                },
            )
        count_text, key = record.get("count", ""), record.get("email_sha256", "").lower()
        count = 1
        if count_text and key:
            problem("count", _("Give a count or an e-mail SHA-256, not both."))
        elif not count_text and not key:
            problem("count", _("Give a count or an e-mail SHA-256."))
        elif count_text:
            if (
                not COUNT_DIGITS.fullmatch(count_text)
                or not 1 <= int(count_text) <= MAX_OUTSIDE_COUNT
            ):
                problem(
                    "count",
                    _("“%(value)s” is not a whole number from 1 to %(max)s.")
                    % {"value": count_text, "max": MAX_OUTSIDE_COUNT},
                )
            else:
                count = int(count_text)
        elif "@" in key:
            # never store an address: the file must hold its hash only
            problem(
                "email_sha256",
                _("Give the SHA-256 of the e-mail address, not the address itself."),
            )
        elif not SHA256_HEX.match(key):
            problem(
                "email_sha256",
                _("This is not a SHA-256 in hexadecimal (64 characters 0-9 and a-f)."),
            )
        region_text = record.get("region", "")
        region_id = regions.get(region_text.lower()) if region_text else None
        if region_text and region_id is None:
            problem("region", _("Unknown region “%(value)s”.") % {"value": region_text})
        if found:
            problems.extend(found)
            continue
        assert day is not None and source is not None  # both checked above
        rows.append(
            OutsideRow(
                line=line,
                day=day,
                source=source,
                count=count,
                person_key=key,
                region_id=region_id,
            )
        )
    if problems:
        raise OutsideCountsRejected(problems)
    if not rows:
        raise OutsideCountsRejected([RowProblem(2, "", _("The file has no rows with counts."))])
    return rows


def _platform_users_by_key(keys: set[str]) -> dict[str, int]:
    """The platform users whose e-mail address has one of these person keys. Computed here
    (one pass over the addresses), so no hash of every user is stored."""
    found: dict[str, int] = {}
    if not keys:
        return found
    users = get_user_model().objects.order_by("pk").values_list("pk", "email")
    for pk, email in users.iterator(chunk_size=5000):
        key = rules.email_key(email or "")
        if key in keys:
            found.setdefault(key, pk)
    return found


def outside_counts_match(*, user) -> int:
    """Link the imported person rows whose key is that of `user`'s e-mail address and that no
    one holds yet to `user`: the import matched the addresses of the day, and a person who
    registers (or takes on the address) later is the same person, who must count once per
    target (ADR 0024). Called when an account is made or its address changes. Returns the
    number of rows linked."""
    if not user.email:
        return 0
    key = rules.email_key(user.email)
    return OutsideCount.objects.filter(person_key=key, user__isnull=True).update(user=user)


def outside_counts_import(*, content: bytes, filename: str, by) -> OutsideCountFile:
    """Import a CSV of outside counts whole (all rows or none). A person row whose key matches
    a platform user's e-mail is linked to that user, so the person counts once per target
    (ADR 0024). Raises OutsideCountsRejected with every bad row."""
    rows = outside_counts_parse(content=content)
    content_sha256 = hashlib.sha256(content).hexdigest()
    _refuse_a_file_imported_already(content_sha256)
    users = _platform_users_by_key({row.person_key for row in rows if row.person_key})
    try:
        with transaction.atomic():
            upload = OutsideCountFile.objects.create(
                filename=filename[:255],
                uploaded_by=by,
                rows=len(rows),
                total=sum(row.count for row in rows),
                content_sha256=content_sha256,
            )
            _outside_rows_create(upload, rows, users)
    except IntegrityError:
        # the same file, imported at this very moment by someone else
        _refuse_a_file_imported_already(content_sha256)
        raise
    return upload


def _refuse_a_file_imported_already(content_sha256: str) -> None:
    """The same file counts once: refused while an identical file is imported and in force."""
    earlier = OutsideCountFile.objects.filter(
        content_sha256=content_sha256, withdrawn_at__isnull=True
    ).first()
    if earlier is not None:
        raise OutsideCountsRejected(
            [
                RowProblem(
                    0,
                    "",
                    _(
                        "This file was imported already (as %(name)s on %(when)s): importing it "
                        "again would count every row twice. To import it again, withdraw that "
                        "import first."
                    )
                    % {
                        "name": earlier.filename,
                        "when": formats.date_format(
                            timezone.localtime(earlier.uploaded_at), "SHORT_DATETIME_FORMAT"
                        ),
                    },
                )
            ]
        )


def _outside_rows_create(
    upload: OutsideCountFile, rows: list[OutsideRow], users: dict[str, int]
) -> None:
    OutsideCount.objects.bulk_create(
        [
            OutsideCount(
                file=upload,
                line=row.line,
                day=row.day,
                source=row.source,
                count=row.count,
                person_key=row.person_key,
                user_id=users.get(row.person_key) if row.person_key else None,
                region_id=row.region_id,
            )
            for row in rows
        ],
        batch_size=2000,
    )


def outside_count_file_withdraw(*, upload: OutsideCountFile, by) -> OutsideCountFile:
    """Take a whole imported file out of every count: its rows (and the person keys in them)
    are deleted; the file stays listed as withdrawn, by whom and when."""
    with transaction.atomic():
        upload = OutsideCountFile.objects.select_for_update().get(pk=upload.pk)
        if upload.withdrawn_at is not None:
            raise ValueError("this file is withdrawn already")
        upload.counts.all().delete()
        upload.withdrawn_at = timezone.now()
        upload.withdrawn_by = by
        upload.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return upload
