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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_database_url, setup_django, timed  # noqa: E402

SCALES = {"100k": (100_000, 300_000), "1m": (1_000_000, 3_000_000)}
LEARNERS, COMPLETIONS = SCALES["100k"]
ORGANISATIONS = 2_000
BATCH = 5_000
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
        slug = seed.course_slugs[0]
        course = CoursePage.objects.filter(slug=slug).first()
        if course is None:
            course = CoursePage(
                title=slug, slug=slug, summary="-", audience="professionals_children", locale=locale
            )
            index.add_child(instance=course)
        courses.append(course)
    return courses


def generate() -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

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
    span = (datetime(2026, 11, 20, tzinfo=UTC) - start).total_seconds()
    password = make_password(None)
    t0 = time.perf_counter()

    users = [
        User(
            email=f"bench-{i}@example.invalid",
            password=password,
            sector_id=rng.choice(sectors),
            region_id=rng.choice(regions),
            professional_role_id=rng.choice(professional_roles),
            anonymised_at=start if i % 50 == 0 else None,
        )
        for i in range(LEARNERS)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    user_ids = list(User.objects.filter(email__startswith="bench-").values_list("pk", flat=True))

    # each person passes 1 to 5 distinct courses; about 1 in 10 passes is renewed (cycle 2)
    plan: list[tuple[int, int, int]] = []  # (user, course index, cycle), unique
    seen: set[tuple[int, int, int]] = set()
    while len(plan) < COMPLETIONS:
        uid = rng.choice(user_ids)
        for c in sorted(
            set(rng.choices(range(len(courses)), weights=weights, k=rng.randint(1, 5)))
        ):
            for cycle in (1, 2) if rng.random() < 0.1 else (1,):
                if (uid, c, cycle) not in seen:
                    seen.add((uid, c, cycle))
                    plan.append((uid, c, cycle))
    plan = plan[:COMPLETIONS]

    keys = list(dict.fromkeys((uid, c) for uid, c, _cycle in plan))
    objs = [
        Enrolment(user_id=uid, course_id=courses[c].pk, course_key=courses[c].translation_key)
        for uid, c in keys
    ]
    Enrolment.objects.bulk_create(objs, batch_size=BATCH)
    enrolments = {key: obj.pk for key, obj in zip(keys, objs, strict=True)}

    attempts, completions = [], []
    for uid, c, cycle in plan:
        when = start + timedelta(seconds=rng.random() * span)
        if cycle == 2:
            when = min(when + timedelta(days=400), start + timedelta(seconds=span))
        attempts.append(
            Attempt(
                public_id=uuid.UUID(int=rng.getrandbits(128)),
                enrolment_id=enrolments[(uid, c)],
                user_id=uid,
                course_id=courses[c].pk,
                number=cycle,
                status="submitted",
                snapshot={"questions": []},
                pass_mark=70,
                submitted_at=when,
                score=90,
                passed=True,
            )
        )
    Attempt.objects.bulk_create(attempts, batch_size=BATCH)
    for (uid, c, cycle), attempt in zip(plan, attempts, strict=True):
        completions.append(
            Completion(
                user_id=uid,
                course_id=courses[c].pk,
                course_key=courses[c].translation_key,
                cycle=cycle,
                attempt_id=attempt.pk,
                score=90,
                completed_at=attempt.submitted_at,
            )
        )
    Completion.objects.bulk_create(completions, batch_size=BATCH)
    renewed = {(uid, c) for uid, c, cycle in plan if cycle == 2}
    certificates = []
    for (uid, c, cycle), completion in zip(plan, completions, strict=True):
        status, revoked_at = Certificate.Status.VALID, None
        if rng.random() < 0.005:
            status, revoked_at = Certificate.Status.REVOKED, completion.completed_at
        elif cycle == 1 and (uid, c) in renewed:
            status = Certificate.Status.SUPERSEDED
        certificates.append(
            Certificate(
                code=uuid.UUID(int=rng.getrandbits(128)).hex[:28].upper(),
                user_id=uid,
                completion_id=completion.pk,
                course_id=courses[c].pk,
                course_key=courses[c].translation_key,
                course_title=courses[c].title,
                holder_name="",
                language="nl",
                score=90,
                issued_at=completion.completed_at,
                status=status,
                revoked_at=revoked_at,
            )
        )
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)

    kinds = ["hotel"] * 6 + ["vakantiepark"] * 3 + ["other"]
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench {i}",
                municipality="Utrecht",
                kind=rng.choice(kinds),
                region_id=rng.choice(regions),
                declared_staff=20,
                join_token=uuid.uuid4().hex,
            )
            for i in range(ORGANISATIONS)
        ],
        batch_size=BATCH,
    )
    members = rng.sample(user_ids, LEARNERS // 3)
    StaffMembership.objects.bulk_create(
        [
            StaffMembership(user_id=uid, organisation=rng.choice(organisations), joined_at=start)
            for uid in members
        ],
        batch_size=BATCH,
    )
    OrganisationCertificate.objects.bulk_create(
        [
            OrganisationCertificate(
                organisation=o,
                period=1,
                code=uuid.uuid4().hex,
                awarded_at=start + timedelta(seconds=rng.random() * span),
                valid_until=start + timedelta(seconds=span + 86400 * 365),
                passed_count=12,
                staff_count=20,
            )
            for o in organisations[: ORGANISATIONS * 2 // 5]
        ],
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"generated {len(user_ids):,} learners, {len(completions):,} completions and "
        f"certificates, "
        f"{len(organisations):,} organisations in {time.perf_counter() - t0:.1f} s"
    )


def measure(*, profile: bool = False) -> None:
    from allauth.mfa.models import Authenticator
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
            f"{'equal' if check.equal else 'DIFFERENT'} ({len(check.kept)} cells)"
        )
        if not check.equal:
            sys.exit("kept counts differ from the recount")
    staff, _created = User.objects.get_or_create(email="bench-staff@example.invalid")
    staff.groups.add(Group.objects.get(name=roles.PROGRAMME_STAFF))
    # programme staff reach /programma/ only with a second factor (ADR 0022)
    Authenticator.objects.get_or_create(
        user=staff, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
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
    args = parser.parse_args()
    global LEARNERS, COMPLETIONS
    LEARNERS, COMPLETIONS = SCALES[args.scale]
    suffix = "reporting" if args.scale == "100k" else f"reporting_{args.scale}"
    url = os.environ.get("DATABASE_URL", "")
    setup_django(scratch_database_url(url, args.fresh, suffix=suffix))
    from django.core.management import call_command

    from lms.models import Completion

    call_command("migrate", verbosity=0)
    if Completion.objects.count() < COMPLETIONS:
        if Completion.objects.exists():
            sys.exit("the scratch database holds an incomplete data set: run with --fresh")
        generate()
    else:
        print("reusing the generated data (--fresh regenerates it)")
    measure(profile=args.profile)


if __name__ == "__main__":
    main()
