"""Shared set-up of the benchmark scripts: a scratch PostgreSQL database next to DATABASE_URL."""

import os
import statistics
import sys
import time
from urllib.parse import urlparse, urlunparse


def scratch_database_url(url: str, fresh: bool, *, suffix: str) -> str:
    """The URL of `<name>_bench_<suffix>` next to `url`'s database, created when missing (and
    dropped first with `fresh`), so the generated data is reused by later runs."""
    import psycopg

    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"benchmarks/{suffix}.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = parts.path.lstrip("/") + f"_bench_{suffix}"
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def setup_django(
    url: str, *, migrate: bool = False, settings: str = "config.settings.test"
) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def bulk_passes(*, course, users, at, score, batch_size: int = 5_000) -> list:
    """An enrolment, a submitted passing attempt and a completion of `course` for each of
    `users`, bulk inserted (no signal, no task). Returns the completions in the users' order."""
    from datetime import timedelta

    from lms.models import Attempt, Completion, Enrolment

    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(user=u, course=course, course_key=course.translation_key) for u in users],
        batch_size=batch_size,
    )
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                enrolment=e,
                user_id=e.user_id,
                course=course,
                number=1,
                status=Attempt.Status.SUBMITTED,
                snapshot={"questions": []},
                pass_mark=course.pass_mark,
                submitted_at=at,
                score=score,
                passed=True,
            )
            for e in enrolments
        ],
        batch_size=batch_size,
    )
    return Completion.objects.bulk_create(
        [
            Completion(
                user_id=a.user_id,
                course=course,
                course_key=course.translation_key,
                cycle=1,
                attempt=a,
                score=score,
                completed_at=at,
                valid_until=at + timedelta(days=730),
            )
            for a in attempts
        ],
        batch_size=batch_size,
    )


def timed(fn, runs: int) -> tuple[float, float, int]:
    """Run `fn` `runs` times: the first (cold) time and the median in ms, and the queries of the
    last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(ctx.captured_queries)
    return times[0], statistics.median(times), queries
