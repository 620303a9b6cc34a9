"""Benchmark of the 60% rule on PostgreSQL (issue 8).

    DATABASE_URL=postgres://stm:stm@127.0.0.1:5432/stm uv run python benchmarks/organisations.py

The data goes into a scratch database next to the one in DATABASE_URL
(<name>_bench_organisations, created when missing, reused by later runs; --fresh drops it first):
one hotel of 2,000 members (about two thirds with a valid certificate for the hotel course, some
expired or revoked) and 5,000 hotels of 10 members each. Prints the median time and the query
count of counting one organisation of 2,000 members and of evaluating it, and the time of the
nightly sweep over every organisation, next to a trivial query as a yardstick for the machine.
Targets: one organisation of 2,000 members <= 50 ms in one aggregate query; the sweep over
5,000 organisations <= 60 s.
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

from benchmarks.scratch import bulk_passes, scratch_database_url, setup_django, timed  # noqa: E402

BIG_MEMBERS = 2_000
SMALL_ORGANISATIONS = 5_000
SMALL_MEMBERS = 10
BATCH = 5_000
SEED = 20261125
RUNS = 15
BIG_NAME = "Bench big hotel"


def hotel_course():
    from wagtail.models import Locale

    from cms.models import HomePage
    from courses.models import CourseIndexPage, CoursePage
    from organisations.selectors import HOTEL_COURSE_SLUG

    course = CoursePage.objects.filter(slug=HOTEL_COURSE_SLUG).first()
    if course is not None:
        return course
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(title="Modules", slug="modules")
        HomePage.objects.first().add_child(instance=index)
    course = CoursePage(
        title="Hotelpersoneel",
        slug=HOTEL_COURSE_SLUG,
        summary="-",
        audience="hotel_staff",
        locale=Locale.objects.get(language_code="nl"),
    )
    index.add_child(instance=course)
    return course


def generate() -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from accounts.models import User
    from certificates.codes import code_generate
    from certificates.models import Certificate
    from organisations.models import Organisation, StaffMembership

    rng = random.Random(SEED)
    course = hotel_course()
    key = course.translation_key
    start = datetime(2025, 6, 1, tzinfo=UTC)
    password = make_password(None)
    t0 = time.perf_counter()

    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=BIG_NAME,
                municipality="Amsterdam",
                declared_staff=BIG_MEMBERS,
                counting_course_keys=[str(key)],
                join_token=uuid.uuid4().hex,
            )
        ]
        + [
            Organisation(
                name=f"Bench hotel {i}",
                municipality="Utrecht",
                declared_staff=SMALL_MEMBERS + rng.randint(0, 5),
                counting_course_keys=[str(key)],
                join_token=uuid.uuid4().hex,
            )
            for i in range(SMALL_ORGANISATIONS)
        ],
        batch_size=BATCH,
    )
    seats = [organisations[0]] * BIG_MEMBERS + [
        o for o in organisations[1:] for _ in range(SMALL_MEMBERS)
    ]
    users = User.objects.bulk_create(
        [
            User(email=f"bench-org-{i}@example.invalid", password=password)
            for i in range(len(seats))
        ],
        batch_size=BATCH,
    )
    StaffMembership.objects.bulk_create(
        [
            StaffMembership(
                user=user,
                organisation=organisation,
                joined_at=start,
                # one in 25 has left: still a row, no longer counted
                left_at=start + timedelta(days=30) if rng.random() < 0.04 else None,
            )
            for user, organisation in zip(users, seats, strict=True)
        ],
        batch_size=BATCH,
    )
    finishers = [user for user in users if rng.random() < 0.7]
    completions = bulk_passes(course=course, users=finishers, at=start, score=90, batch_size=BATCH)
    certificates = []
    for completion in completions:
        roll = rng.random()
        status, expires = "valid", completion.valid_until
        if roll < 0.08:
            status = "expired"
        elif roll < 0.1:
            expires = start + timedelta(days=1)  # valid in the row, past its date
        certificate = Certificate(
            code=code_generate(),
            user_id=completion.user_id,
            completion=completion,
            course=course,
            course_key=key,
            course_title=course.title,
            holder_name="Bench",
            language="nl",
            score=90,
            issued_at=start,
            expires_at=expires,
            status=status,
        )
        certificates.append(certificate)
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"generated {len(organisations):,} organisations, {len(users):,} members, "
        f"{len(certificates):,} certificates in {time.perf_counter() - t0:.1f} s"
    )


def measure() -> None:
    from accounts.models import User
    from organisations import selectors
    from organisations.models import (
        CertificationStatusChange,
        Organisation,
        OrganisationCertificate,
    )
    from organisations.services import certification

    big = Organisation.objects.get(name=BIG_NAME)
    _cold, trivial, _q = timed(lambda: User.objects.filter(pk=1).exists(), runs=21)
    print(f"\ntrivial query (yardstick): median {trivial:.2f} ms")
    counts = selectors.certification_counts(organisation=big)
    print(f"big hotel: {counts.members:,} current members, {counts.passed:,} passed")
    cold, median, queries = timed(
        lambda: selectors.certification_counts(organisation=big), runs=RUNS
    )
    print(
        f"count one organisation of {BIG_MEMBERS:,}: cold {cold:.1f} ms, median {median:.1f} ms, "
        f"{queries} query (target <= 50 ms, 1 query)"
    )
    cold, median, queries = timed(
        lambda: certification.organisation_evaluate(organisation=big), runs=RUNS
    )
    print(
        f"evaluate it (lock, count, certificate, save): cold {cold:.1f} ms, "
        f"median {median:.1f} ms, {queries} queries"
    )
    # worst case first: nobody certified yet, so every qualifying organisation is awarded now
    CertificationStatusChange.objects.all().delete()
    OrganisationCertificate.objects.all().delete()
    Organisation.objects.update(certification_status="not_certified", at_risk_since=None)
    total = Organisation.objects.count()
    t = time.perf_counter()
    evaluated = certification.organisations_sweep()
    seconds = time.perf_counter() - t
    certified = Organisation.objects.filter(certification_status="certified").count()
    print(
        f"nightly sweep over {total:,} organisations, first run ({evaluated:,} evaluated, "
        f"{certified:,} certified): {seconds:.1f} s (target <= 60 s)"
    )
    t = time.perf_counter()
    evaluated = certification.organisations_sweep()
    seconds = time.perf_counter() - t
    print(
        f"nightly sweep over {total:,} organisations, next night ({evaluated:,} evaluated): "
        f"{seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the data")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    setup_django(scratch_database_url(url, args.fresh, suffix="organisations"))
    from django.core.management import call_command

    from organisations.models import Organisation

    call_command("migrate", verbosity=0)
    if not Organisation.objects.filter(name=BIG_NAME).exists():
        generate()
    else:
        print("reusing the generated data (--fresh regenerates it)")
    measure()


if __name__ == "__main__":
    main()
