"""Benchmark of the programme dashboard on PostgreSQL: 100,000 learners, 300,000 completions
(each with its certificate; 1 in 200 revoked, renewed ones superseded).

    DATABASE_URL=postgres://stm:stm@127.0.0.1:5432/stm uv run python benchmarks/reporting.py

The data goes into a scratch database next to the one in DATABASE_URL (<name>_bench_reporting,
created when missing, reused by later runs; --fresh drops it first). Prints, per page: the first
(cold) and the median time of the uncached page and its SQL query count; the time of the full
breakdown exports; and each figure's ratio to a reference measured in the same run (one
COUNT(DISTINCT user_id) over all completions), so runs on different machines compare.
Then the full quarterly report PDF (through the view, charts drawn afresh) and its parts, with
--profile a cProfile of one report. Targets (issue 9): <= 300 ms and <= 20 queries per page,
full exports <= 5 s; issue 21: the quarterly report <= 3 s at 100k learners, the
dashboard and every target page <= 0.5x the reference, at 100k and (--scale 1m) 1,000,000
learners / 3,000,000 completions. Before measuring, the kept counts (ADR 0020) are rebuilt from
the raw rows and each target's kept total is printed next to a full recount (must be equal).
"""

import argparse
import os
import random
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_database_url, setup_django, timed  # noqa: E402

SCALES = {"100k": (100_000, 300_000), "1m": (1_000_000, 3_000_000)}
LEARNERS, COMPLETIONS = SCALES["100k"]
ORGANISATIONS = 2_000
BATCH = 100_000
SEED = 20261231
RUNS = 7


def make_courses():
    from wagtail.models import Locale

    from courses.models import CourseIndexPage, CoursePage
    from reporting.demo import SEED_TARGETS

    index = CourseIndexPage.objects.first()
    if index is None:
        from cms.models import HomePage

        index = CourseIndexPage(title="Modules", slug="modules")
        HomePage.objects.first().add_child(instance=index)
    locale = Locale.objects.get(language_code="nl")
    courses = []
    for seed in SEED_TARGETS:
        if not seed.course_slugs:
            continue  # a target of outside counts only (the campaign's reach)
        slug = seed.course_slugs[0]
        course = CoursePage.objects.filter(slug=slug).first()
        if course is None:
            course = CoursePage(
                title=slug, slug=slug, summary="-", audience="professionals_children", locale=locale
            )
            index.add_child(instance=course)
        courses.append(course)
    return courses


def _insert_select(model, values: dict[str, str], source: str, params: dict) -> int:
    """INSERT INTO <model's table> (...) SELECT <values> <source>: `values` maps a column to an
    SQL expression; every other column gets the field's own default (a parameter), so a column
    added later with a default needs no change here, and one without a default stops the
    benchmark with its name. Returns the number of rows written."""
    from django.db import connection

    qn = connection.ops.quote_name
    columns, expressions, params = [], [], dict(params)
    for f in model._meta.concrete_fields:
        if f.primary_key and f.column not in values:
            continue  # from its sequence
        if f.column in values:
            expressions.append(values[f.column])
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            expressions.append("now()")
        elif f.has_default() or f.null or f.empty_strings_allowed:
            name = f"default_{f.column}"
            params[name] = f.get_db_prep_save(f.get_default(), connection)
            expressions.append(f"%({name})s")
        else:
            raise SystemExit(f"the generator gives no value for {model.__name__}.{f.name}")
        columns.append(qn(f.column))
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _reserve_ids(model, count: int) -> int:
    """Take `count` ids from the model's primary-key sequence; returns the one before the first,
    so rows get `base + n` (n = 1..count) without a join back to find them."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "nextval(pg_get_serial_sequence(%s, 'id')) + %s)",
            [table, table, count],
        )
        return cursor.fetchone()[0] - count


@contextmanager
def _bulk_load(models):
    """Drop the tables' foreign keys, unique constraints and secondary indexes for the load and
    build them again after it (PostgreSQL's advice for populating a database: one sort per
    index instead of millions of random index inserts and trigger calls). The definitions are
    read from the catalogue, so they are the migrations' own."""
    from django.db import connection

    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s))",
            [tables, tables],
        )
        indexes = cursor.fetchall()
        qn = connection.ops.quote_name
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        # unique constraints first: the foreign keys may lean on them
        for table, name, definition in sorted(
            constraints, key=lambda c: c[2].startswith("FOREIGN")
        ):
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")


def _passes_per_draw(weights: list[int], courses: int) -> float:
    """The mean number of completions one draw of the plan yields (1 to 5 weighted course
    picks, distinct, 1 in 10 renewed), estimated once with Python's generator: the number of
    draws the database makes for the wanted number of completions."""
    rng = random.Random(SEED)
    total = 0
    for _ in range(20_000):
        for _c in set(rng.choices(range(courses), weights=weights, k=rng.randint(1, 5))):
            total += 2 if rng.random() < 0.1 else 1
    return total / 20_000


def generate() -> None:
    """The learners, their passes and certificates, organisations and memberships, written by
    the database itself (INSERT ... SELECT from generate_series, in batches): nothing is held
    in Python, so 1,000,000 learners / 3,000,000 completions fit on a small machine.

    The distribution is the one of the earlier Python generator: a learner is drawn at random
    (with replacement) and passes 1 to 5 weighted courses (module 1 the big one, the hotel
    course second), about 1 in 10 of those passes renewed (cycle 2, 400 days later); passes
    spread evenly from 2024-01-01 to 2026-11-20; 1 in 50 learners anonymised; 1 in 200
    certificates revoked, renewed ones superseded; 2,000 organisations, a third of the learners
    staff of one, 40% of the organisations certified."""
    from django.db import connection, transaction

    from accounts.models import ProfessionalRole, Region, Sector, User
    from certificates.models import Certificate
    from lms.models import Attempt, Completion, Enrolment
    from organisations.models import Organisation, OrganisationCertificate, StaffMembership

    rng = random.Random(SEED)
    courses = make_courses()
    # module 1 is the big one; the hotel course second
    weights = [50, 10, 8, 6, 6, 20]
    sectors = [*Sector.objects.values_list("pk", flat=True), None]
    regions = [*Region.objects.values_list("pk", flat=True), None]
    professional_roles = [*ProfessionalRole.objects.values_list("pk", flat=True), None, None]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    end = datetime(2026, 11, 20, tzinfo=UTC)
    t0 = time.perf_counter()

    def pick(name: str) -> str:
        # one uniformly chosen element of the array parameter `name` (NULLs included)
        return (
            f"(%({name})s::bigint[])[1 + floor(random() * cardinality(%({name})s::bigint[]))::int]"
        )

    def step(label: str, since: float) -> float:
        now = time.perf_counter()
        print(f"  {label}: {now - since:.1f} s", flush=True)
        return now

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(SEED % 1000) / 1000])
        cursor.execute("SET work_mem = '128MB'")
    t = t0

    loaded = [User, Enrolment, Attempt, Completion, Certificate]
    with _bulk_load(loaded):
        user_base = _reserve_ids(User, LEARNERS)
        password = "!" + "x" * 40  # unusable, as make_password(None) gives
        for lo in range(0, LEARNERS, BATCH):
            hi = min(lo + BATCH, LEARNERS)
            with transaction.atomic():
                _insert_select(
                    User,
                    {
                        "id": "%(base)s + i",
                        "password": "%(password)s",
                        "email": "'bench-' || (i - 1) || '@example.invalid'",
                        "sector_id": pick("sectors"),
                        "region_id": pick("regions"),
                        "professional_role_id": pick("roles"),
                        "anonymised_at": "CASE WHEN (i - 1) %% 50 = 0 THEN %(start)s END",
                    },
                    "FROM generate_series(%(lo)s, %(hi)s) i",
                    {
                        "base": user_base,
                        "password": password,
                        "sectors": sectors,
                        "regions": regions,
                        "roles": professional_roles,
                        "start": start,
                        "lo": lo + 1,
                        "hi": hi,
                    },
                )
        t = step(f"{LEARNERS:,} learners", t)

        # The plan: one row per completion (n = 1..COMPLETIONS, in the order of the draws), with
        # the learner, the course, the cycle, the moment, its pair (learner, course) number for the
        # enrolment, and what happens to its certificate. An unlogged scratch table, dropped below.
        # a learner drawn twice passes a course once: more draws than completions / yield, and
        # more again if that was not enough (the first COMPLETIONS in draw order are kept)
        draws = int(COMPLETIONS / _passes_per_draw(weights, len(courses)) * 1.4)
        total = sum(weights)
        thresholds = [sum(weights[: i + 1]) / total for i in range(len(weights) - 1)]
        planned = pairs = 0
        while planned < COMPLETIONS:
            if planned:
                draws = int(draws * COMPLETIONS / planned * 1.1)
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS bench_plan")
                cursor.execute(
                    """
                    CREATE UNLOGGED TABLE bench_plan AS
                    WITH draws AS (
                        SELECT d, floor(random() * %(learners)s)::bigint + 1 AS u,
                               1 + floor(random() * 5)::int AS k
                        FROM generate_series(1, %(draws)s) d
                    ), picks AS (
                        SELECT DISTINCT draws.d, draws.u,
                               width_bucket(random() + s * 0, %(thresholds)s::float8[]) AS c
                        FROM draws CROSS JOIN LATERAL generate_series(1, draws.k) s
                    ), cycles AS (
                        SELECT p.d, p.u, p.c, cycle
                        FROM (SELECT d, u, c, random() < 0.1 AS renewed FROM picks) p
                        CROSS JOIN LATERAL generate_series(1, CASE WHEN p.renewed THEN 2 ELSE 1 END) AS g(cycle)
                    ), firsts AS (
                        SELECT u, c, cycle, min(d) AS d FROM cycles GROUP BY u, c, cycle
                    ), kept AS (
                        SELECT u, c, cycle, row_number() OVER (ORDER BY d, c, cycle) AS n FROM firsts
                    )
                    SELECT n, u, c, cycle,
                           dense_rank() OVER (ORDER BY u, c) AS pair,
                           max(cycle) OVER (PARTITION BY u, c) = 2 AS renewed,
                           random() < 0.005 AS revoked,
                           CASE WHEN cycle = 1
                                THEN %(start)s + random() * %(span)s
                                ELSE least(%(start)s + random() * %(span)s + interval '400 days', %(end)s)
                           END AS at
                    FROM kept WHERE n <= %(completions)s
                    """,
                    {
                        "learners": LEARNERS,
                        "draws": draws,
                        "thresholds": thresholds,
                        "start": start,
                        "end": end,
                        "span": end - start,
                        "completions": COMPLETIONS,
                    },
                )
                cursor.execute("CREATE INDEX ON bench_plan (n)")
                cursor.execute("SELECT count(*), max(pair) FROM bench_plan")
                planned, pairs = cursor.fetchone()
        t = step(f"plan of {planned:,} completions ({draws:,} draws)", t)

        course_ids = [c.pk for c in courses]
        course_keys = [str(c.translation_key) for c in courses]
        course_titles = [c.title for c in courses]
        ids = {
            "enrolment": _reserve_ids(Enrolment, pairs),
            "attempt": _reserve_ids(Attempt, planned),
            "completion": _reserve_ids(Completion, planned),
            "certificate": _reserve_ids(Certificate, planned),
        }
        common = {
            **ids,
            "user_base": user_base,
            "course_ids": course_ids,
            "course_keys": course_keys,
            "course_titles": course_titles,
            "valid": Certificate.Status.VALID,
            "revoked": Certificate.Status.REVOKED,
            "superseded": Certificate.Status.SUPERSEDED,
        }
        course_id = "(%(course_ids)s::int[])[c + 1]"
        course_key = "(%(course_keys)s::uuid[])[c + 1]"
        tables = [
            (
                Enrolment,
                {
                    "id": "%(enrolment)s + pair",
                    "user_id": "%(user_base)s + u",
                    "course_id": course_id,
                    "course_key": course_key,
                    "enrolled_at": "at",
                    "last_activity_at": "at",
                },
                "AND cycle = 1",
            ),
            (
                Attempt,
                {
                    "id": "%(attempt)s + n",
                    "public_id": "md5('attempt-' || n)::uuid",
                    "enrolment_id": "%(enrolment)s + pair",
                    "user_id": "%(user_base)s + u",
                    "course_id": course_id,
                    "number": "cycle",
                    "status": "'submitted'",
                    "snapshot": """'{"questions": []}'::jsonb""",
                    "pass_mark": "70",
                    "started_at": "at",
                    "submitted_at": "at",
                    "score": "90",
                    "passed": "true",
                },
                "",
            ),
            (
                Completion,
                {
                    "id": "%(completion)s + n",
                    "user_id": "%(user_base)s + u",
                    "course_id": course_id,
                    "course_key": course_key,
                    "cycle": "cycle",
                    "attempt_id": "%(attempt)s + n",
                    "score": "90",
                    "completed_at": "at",
                },
                "",
            ),
            (
                Certificate,
                {
                    "id": "%(certificate)s + n",
                    "code": "upper(substr(md5('certificate-' || n), 1, 28))",
                    "user_id": "%(user_base)s + u",
                    "completion_id": "%(completion)s + n",
                    "course_id": course_id,
                    "course_key": course_key,
                    "course_title": "(%(course_titles)s::text[])[c + 1]",
                    "language": "'nl'",
                    "score": "90",
                    "issued_at": "at",
                    "status": "CASE WHEN revoked THEN %(revoked)s "
                    "WHEN cycle = 1 AND renewed THEN %(superseded)s ELSE %(valid)s END",
                    "revoked_at": "CASE WHEN revoked THEN at END",
                },
                "",
            ),
        ]
        for model, values, condition in tables:
            for lo in range(0, planned, BATCH):
                with transaction.atomic():
                    _insert_select(
                        model,
                        values,
                        f"FROM bench_plan WHERE n > %(lo)s AND n <= %(hi)s {condition}",
                        {**common, "lo": lo, "hi": lo + BATCH},
                    )
            t = step(f"{model.__name__} rows", t)
    t = step("indexes and constraints built again", t)

    kinds = ["hotel"] * 6 + ["vakantiepark"] * 3 + ["other"]
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench {i}",
                municipality="Utrecht",
                kind=rng.choice(kinds),
                region_id=rng.choice(regions),
                declared_staff=20,
                join_token=uuid.UUID(int=rng.getrandbits(128)).hex,
            )
            for i in range(ORGANISATIONS)
        ],
        batch_size=BATCH,
    )
    # a third of the learners, each staff of one organisation
    _insert_select(
        StaffMembership,
        {
            "user_id": "u.id",
            "organisation_id": pick("organisations"),
            "joined_at": "%(start)s",
        },
        "FROM (SELECT id FROM accounts_user WHERE id > %(base)s AND id <= %(top)s "
        "ORDER BY random() LIMIT %(members)s) u",
        {
            "organisations": [o.pk for o in organisations],
            "start": start,
            "base": user_base,
            "top": user_base + LEARNERS,
            "members": LEARNERS // 3,
        },
    )
    span = (end - start).total_seconds()
    OrganisationCertificate.objects.bulk_create(
        [
            OrganisationCertificate(
                organisation=o,
                period=1,
                code=uuid.UUID(int=rng.getrandbits(128)).hex,
                awarded_at=start + timedelta(seconds=rng.random() * span),
                valid_until=start + timedelta(seconds=span + 86400 * 365),
                passed_count=12,
                staff_count=20,
            )
            for o in organisations[: ORGANISATIONS * 2 // 5]
        ],
        batch_size=BATCH,
    )
    t = step(f"{ORGANISATIONS:,} organisations and {LEARNERS // 3:,} memberships", t)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # the plan's presence marks an unfinished generation (see main)
        cursor.execute("DROP TABLE bench_plan")
    step("ANALYZE", t)
    print(
        f"generated {LEARNERS:,} learners, {planned:,} completions and certificates, "
        f"{ORGANISATIONS:,} organisations in {time.perf_counter() - t0:.1f} s"
    )


def measure(*, profile: bool = False, quarterly: bool = True) -> None:
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse

    from accounts import roles
    from accounts.models import User
    from reporting.demo import targets_ensure
    from reporting.models import Target
    from reporting.selectors import kept_counts_check, targets_queryset
    from reporting.services import targets_counts_rebuild

    targets_ensure()
    t = time.perf_counter()
    rebuilt = targets_counts_rebuild()
    print(
        f"\nkept counts rebuilt from the raw rows for {len(rebuilt)} people targets in "
        f"{time.perf_counter() - t:.1f} s (manage.py reporting_counts_rebuild)"
    )
    print(f"\n{'kept counts vs a full recount':<40} {'kept':>9} {'recount':>9}  cells")
    for target in targets_queryset():
        if not target.counts_people:
            continue
        check = kept_counts_check(target=target)
        print(
            f"{target.code:<40} {check.kept_total:>9,} {check.recounted_total:>9,}  "
            f"{'equal' if check.equal else 'DIFFERENT'} ({len(check.kept)} cells, {len(check.kept_months)} months)"
        )
        if not check.equal:
            sys.exit("kept counts differ from the recount")
    staff, _created = User.objects.get_or_create(email="bench-staff@example.invalid")
    staff.groups.add(Group.objects.get(name=roles.PROGRAMME_STAFF))
    # programme staff work with a second factor (ADR 0022): an authenticator app, as allauth
    # stores it after activation (the secret is never used: the client is logged in directly)
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=staff,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": get_adapter().encrypt("QE5246MGKOMW37SMN47SXN47JFFBKMSX")}},
    )
    client = Client()
    client.force_login(staff)

    def get(url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        return response

    from django.db.models import Count

    from lms.models import Completion

    # The reference, measured in this run on this machine: the cheapest query that still reads
    # every completion (one COUNT DISTINCT). A page's "ratio" is its median over this median.
    _cold, reference, _q = timed(
        lambda: Completion.objects.aggregate(n=Count("user_id", distinct=True)), runs=RUNS
    )
    _cold, trivial, _q = timed(lambda: User.objects.filter(pk=staff.pk).exists(), runs=21)
    print(f"\nreference: COUNT(DISTINCT user_id) over all completions, median {reference:.1f} ms")
    print(f"trivial query (primary-key lookup): median {trivial:.2f} ms")
    print(f"\n{'page':<58} {'cold ms':>8} {'median':>8} {'ratio':>7} {'queries':>8}")
    pages = [("dashboard (6 targets)", reverse("reporting:dashboard"), None)]
    for target in Target.objects.order_by("sort_order"):
        pages.append((f"target {target.code}", reverse("reporting:target", args=[target.pk]), None))
    first = Target.objects.order_by("sort_order").first()
    pages.append(
        (
            "target module-1, filtered region+sector+period",
            reverse("reporting:target", args=[first.pk]),
            {"region": "utrecht", "sector": "onderwijs", "from": "2025-01-01", "to": "2025-12-31"},
        )
    )
    pages.append(("API /reports/targets", "/api/v1/reports/targets", None))
    worst = 0.0
    for label, url, params in pages:
        cold, median, queries = timed(lambda url=url, params=params: get(url, params), runs=RUNS)
        worst = max(worst, median)
        print(f"{label:<58} {cold:>8.0f} {median:>8.0f} {median / reference:>7.2f} {queries:>8}")
    print("\nfull breakdown exports (every table of every target):")
    for fmt in ("csv", "xlsx"):
        cold, median, queries = timed(
            lambda fmt=fmt: get(reverse("reporting:full_export", args=[fmt])), runs=3
        )
        print(
            f"  {fmt:<6} cold {cold:>6.0f} ms   median {median:>6.0f} ms   "
            f"ratio {median / reference:.2f}   {queries} queries (target <= 5000 ms)"
        )
    print(
        f"\nslowest page median: {worst:.0f} ms, ratio {worst / reference:.2f} "
        "(target <= 300 ms and <= 20 queries; ratio <= 0.5)"
    )
    if quarterly:
        quarterly_report(reference, get, profile=profile)


def quarterly_report(reference: float, get, *, profile: bool) -> None:
    """The full quarterly report (every target, its tables and its chart, tagged PDF), through
    the view; then its parts: the figures and tables, the charts, and WeasyPrint's layout and
    PDF writing. The chart cache is emptied before each run, so every run draws its charts."""
    from django.core.cache import cache
    from django.urls import reverse
    from django.utils import translation

    from accounts.pdf import pdf_render
    from reporting.charts import target_trend_chart
    from reporting.forms import parse_quarter
    from reporting.pdf import quarterly_report_context

    quarter = "2026-Q3"
    start, end = parse_quarter(quarter)
    url = reverse("reporting:quarterly_report")

    def whole():
        cache.clear()
        get(url, {"quarter": quarter})

    cpu = time.process_time()
    first, median, queries = timed(whole, runs=3)
    cpu = (time.process_time() - cpu) / 3 * 1000
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    # There is no cached PDF and every run empties the chart cache: each run is a cold render
    # of the report. The first run of the process also starts vl-convert's JavaScript engine
    # and loads the fonts (once per worker process), so it is printed apart.
    print(
        f"\nquarterly report PDF {quarter} through the view, tagged, every run cold (no cached "
        f"PDF, charts drawn afresh):\n  GOAL FIGURE median {median:.0f} ms, ratio "
        f"{median / reference:.2f} (target <= 3000 ms); first run of the process {first:.0f} ms; "
        f"{queries} queries; this process's CPU {cpu:.0f} ms a report; load average {load}"
    )
    with translation.override("nl"):

        def figures_only():
            cache.clear()
            quarterly_report_context(quarter=quarter, start=start, end=end)

        _c, figures, _q = timed(figures_only, runs=3)
        context = quarterly_report_context(quarter=quarter, start=start, end=end)
        reports = [r for r, _chart, _tables in context["reports"]]

        def charts():
            cache.clear()
            for report in reports:
                target_trend_chart(report, id_prefix="pdf")

        _c, drawn, _q = timed(charts, runs=3)
        _c, layout, _q = timed(
            lambda: pdf_render(
                template_name="reporting/quarterly_report.html", context=context, language="nl"
            ),
            runs=3,
        )
    print(
        f"  parts (medians): figures, tables and charts {figures:.0f} ms, of which the "
        f"{len(reports)} trend charts {drawn:.0f} ms (uncached); template + WeasyPrint {layout:.0f} ms"
    )
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        whole()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the data")
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="100k",
        help="100k: 100,000 learners / 300,000 completions; 1m: 1,000,000 / 3,000,000",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of one quarterly report"
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="generate the data (when missing) and stop"
    )
    parser.add_argument(
        "--no-quarterly", action="store_true", help="leave out the quarterly report PDF"
    )
    args = parser.parse_args()
    global LEARNERS, COMPLETIONS
    LEARNERS, COMPLETIONS = SCALES[args.scale]
    suffix = "reporting" if args.scale == "100k" else f"reporting_{args.scale}"
    url = os.environ.get("DATABASE_URL", "")
    setup_django(scratch_database_url(url, args.fresh, suffix=suffix))
    from django.core.management import call_command

    from lms.models import Completion

    call_command("migrate", verbosity=0)
    from django.db import connection

    unfinished = "bench_plan" in connection.introspection.table_names()
    if unfinished or Completion.objects.count() < COMPLETIONS:
        if unfinished or Completion.objects.exists():
            sys.exit("the scratch database holds an incomplete data set: run with --fresh")
        generate()
    else:
        print("reusing the generated data (--fresh regenerates it)")
    if args.generate_only:
        return
    measure(profile=args.profile, quarterly=not args.no_quarterly)


if __name__ == "__main__":
    main()
