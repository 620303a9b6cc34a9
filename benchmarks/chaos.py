"""Chaos suite: nothing is lost when workers die, Redis goes away or PostgreSQL drops
connections (issue 19, ADR 0019).

    DATABASE_URL=postgres://stm:stm@127.0.0.1:5432/stm uv run --frozen python benchmarks/chaos.py \\
        [--redis-port 6390] [--passes 1000] [--kills 20] [--redis-passes 300] [--redis-down 120]

Real PostgreSQL (a scratch database next to DATABASE_URL, <name>_bench_chaos), a redis-server
of its own (started on --redis-port with append-only persistence in a temporary folder; the
shared Redis is never touched), one Celery worker as in the Procfile (prefork, 2 processes) and
Celery beat (the outbox relay runs every minute), all with the production settings and a
throwaway SECRET_KEY. E-mails go to files (Django's file backend) so every copy can be counted.
Learners pass through the site itself (Django's test client: the whole middleware stack) and all
belong to one organisation, so every pass also wants an organisation evaluation.

Scenarios, each followed by a wait (at most --deadline seconds) until every pass of the scenario
has its certificate, PDF, e-mail and organisation evaluation, reporting how long that took:

1. kill: --passes passes while the whole worker (main process and pool) is SIGKILLed every
   2–5 s and restarted, at least --kills times; wait counted from the last restart;
2. redis: --redis-passes passes, paced over the outage, while the Redis server is stopped for
   --redis-down seconds; the pages (home, catalogue, course, lesson, verification, login page,
   /api/v1/courses) are requested throughout and every 5xx is counted; wait counted from
   Redis's return;
3. postgres: --pg-passes passes while the worker's and beat's database connections are
   terminated (pg_terminate_backend) every second;
4. cache: --cache-passes passes while the cache is cleared every second.

Prints per scenario: passes, without certificate, certificates without PDF, e-mails missing,
duplicated (certificates, PDF renders, e-mail copies), organisation evaluations not done, and
the time until all was done. Exits 1 when anything was lost or duplicated. Stops by itself: every
wait has a deadline and every process it started is stopped on exit, Ctrl-C or error.
"""

import argparse
import email
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_database_url, setup_django  # noqa: E402
from benchmarks.stack import Stack, production_environment  # noqa: E402

WORKER_APP_NAME = "chaos-worker"
PAGES_5XX: list[str] = []


def worker_start(stack: Stack, env: dict) -> None:
    """The Procfile's worker under a new name (not waiting: the killer does not wait either)."""
    hostname = f"chaos-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    stack.worker_start(env, hostname=hostname, loglevel="WARNING", wait=False)


# --- data and passes ----------------------------------------------------------------------------


class Site:
    """Learners, a course and an organisation; passes and page checks through the test client."""

    def __init__(self, tag: str) -> None:
        from django.test import Client

        from benchmarks.certificate_queue import course_create
        from organisations.models import Organisation

        self.tag = tag
        self.course = course_create(f"chaos {tag}")
        self.organisation = Organisation.objects.create(
            name=f"Hotel chaos {tag}",
            municipality="Utrecht",
            declared_staff=100_000,
            counting_course_keys=[str(self.course.translation_key)],
        )
        self.client = Client()
        self.offset = 0
        self.completion_ids: list[int] = []
        self.lesson_url = ""
        self.verify_url = ""

    def learners(self, n: int) -> list:
        from django.utils import timezone

        from benchmarks.certificate_queue import open_attempts_create
        from organisations.models import StaffMembership

        now = timezone.now()
        attempts = open_attempts_create(self.course, self.tag, n, self.offset)
        self.offset += n
        StaffMembership.objects.bulk_create(
            [
                StaffMembership(organisation=self.organisation, user=a.user, joined_at=now)
                for a in attempts
            ]
        )
        return attempts

    def pass_one(self, attempt) -> int:
        """The learner submits on the site; the result page must answer (no 5xx)."""
        from django.urls import reverse

        from lms.models import Completion

        self.client.force_login(attempt.user)
        url = reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id})
        response = self.client.post(url, follow=True)
        if response.status_code >= 500:
            PAGES_5XX.append(f"submit {response.status_code}")
        if not self.lesson_url:
            self.lesson_url = reverse(
                "lms:lesson", kwargs={"lesson_id": attempt.snapshot["lesson_ids"][0]}
            )
        completion = Completion.objects.filter(attempt=attempt).values_list("pk", flat=True)
        self.completion_ids.extend(completion)
        return response.status_code

    def pages(self) -> int:
        """One round of the pages that must answer without Redis; returns how many 5xx."""
        from certificates.models import Certificate

        if not self.verify_url:
            code = Certificate.objects.values_list("code", flat=True).first()
            self.verify_url = f"/verify/{code}" if code else ""
        urls = ["/", "/catalogus/", self.course.url, "/account/login/", "/api/v1/courses"]
        urls += [u for u in (self.lesson_url, self.verify_url) if u]
        bad = 0
        for url in urls:
            status = self.client.get(url).status_code
            if status >= 500:
                PAGES_5XX.append(f"{url} {status}")
                bad += 1
        return bad


def tally(completion_ids: list[int], mail_dir: Path, organisation_id: int) -> dict:
    """What is missing or duplicated for these passes."""
    from django.db.models import Count

    from certificates.models import Certificate, CertificateEvent
    from lms.models import Completion
    from outbox.models import OutboxMessage

    certificates = Certificate.objects.filter(completion_id__in=completion_ids)
    ids = list(certificates.values_list("pk", flat=True))
    codes = set(certificates.values_list("code", flat=True))
    copies = mail_copies(mail_dir)
    renders = (
        CertificateEvent.objects.filter(certificate_id__in=ids, kind="pdf_rendered")
        .values("certificate_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    organisation_ids = set(
        OutboxMessage.objects.filter(kind="organisations.evaluate", done_at__isnull=True)
        .about("organisation_id", organisation_id)
        .values_list("pk", flat=True)
    )
    return {
        "passes": len(completion_ids),
        "without certificate": Completion.objects.filter(pk__in=completion_ids)
        .filter(certificate__isnull=True)
        .count(),
        "without PDF": certificates.filter(pdf_rendered_at__isnull=True).count(),
        "e-mails missing": sum(1 for code in codes if copies.get(code, 0) == 0),
        "e-mails not recorded": certificates.filter(email_sent_at__isnull=True).count(),
        "duplicated certificates": len(completion_ids) - len(ids)
        if len(ids) > len(completion_ids)
        else 0,
        "duplicated PDF renders": renders,
        "duplicated e-mails": sum(1 for code in codes if copies.get(code, 0) > 1),
        "evaluations waiting": len(organisation_ids),
    }


VERIFY = re.compile(r"/verify/([0-9A-Z]{20,40})")


def mail_copies(mail_dir: Path) -> dict[str, int]:
    """E-mail copies per certificate code, from the file backend's messages."""
    counts: dict[str, int] = {}
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk)
            body = message.get_payload(decode=True) or b""
            if isinstance(body, list):
                continue
            found = VERIFY.search(body.decode(errors="replace"))
            if found:
                counts[found.group(1)] = counts.get(found.group(1), 0) + 1
    return counts


def complete(t: dict) -> bool:
    return (
        not any(
            t[k]
            for k in (
                "without certificate",
                "without PDF",
                "e-mails missing",
                "e-mails not recorded",
            )
        )
        and not t["evaluations waiting"]
    )


def wait_until_done(
    completion_ids, mail_dir, organisation_id: int, *, since: float, deadline: float
) -> tuple[dict, float | None]:
    while True:
        t = tally(completion_ids, mail_dir, organisation_id)
        if complete(t):
            return t, time.monotonic() - since
        if time.monotonic() - since > deadline:
            return t, None
        time.sleep(2)


def report(name: str, t: dict, took: float | None, extra: str = "") -> bool:
    lost = t["without certificate"] + t["without PDF"] + t["e-mails missing"]
    duplicated = (
        t["duplicated certificates"] + t["duplicated PDF renders"] + t["duplicated e-mails"]
    )
    ok = took is not None and lost == 0 and duplicated == 0
    figures = ", ".join(f"{k} {v}" for k, v in t.items())
    when = f"all done {took:.0f} s after" if took is not None else "NOT all done by the deadline"
    print(f"[{name}] {figures}; {when}{extra}; {'ok' if ok else 'MISSED'}", flush=True)
    return ok


# --- scenarios ----------------------------------------------------------------------------------


def scenario_kill(site: Site, stack: Stack, env, mail_dir, args) -> bool:
    attempts = site.learners(args.passes)
    worker_start(stack, env)
    kills = 0
    stop_event = threading.Event()
    state = {"last_restart": time.monotonic()}

    def killer():
        nonlocal kills
        while not stop_event.is_set():
            if stop_event.wait(random.uniform(2, 5)):
                return
            stack.stop("worker", kill=True)
            kills += 1
            worker_start(stack, env)
            state["last_restart"] = time.monotonic()

    thread = threading.Thread(target=killer, daemon=True)
    started = time.monotonic()
    thread.start()
    for attempt in attempts:
        site.pass_one(attempt)
    kill_deadline = time.monotonic() + args.deadline
    while kills < args.kills and time.monotonic() < kill_deadline:
        time.sleep(0.5)
    stop_event.set()
    thread.join()
    # the last kill and restart from this thread: a worker started by the killer thread would
    # get SIGTERM when that thread ends (PR_SET_PDEATHSIG follows the creating thread)
    stack.stop("worker", kill=True)
    kills += 1
    worker_start(stack, env)
    state["last_restart"] = time.monotonic()
    took_passes = time.monotonic() - started
    t, took = wait_until_done(
        site.completion_ids,
        mail_dir,
        site.organisation.pk,
        since=state["last_restart"],
        deadline=args.deadline,
    )
    extra = f" the last restart; {kills} kills over {took_passes:.0f} s of passes"
    return report("kill", t, took, extra)


def scenario_redis(site: Site, stack: Stack, mail_dir, args) -> bool:
    first = len(site.completion_ids)
    attempts = site.learners(args.redis_passes)
    pace = (args.redis_down + 60) / max(1, len(attempts))
    started = time.monotonic()
    down_at, up_at = started + 30, started + 30 + args.redis_down
    is_down = False
    returned = None
    rounds = bad = 0
    for i, attempt in enumerate(attempts):
        now = time.monotonic()
        if not is_down and returned is None and now >= down_at:
            stack.stop("redis")
            is_down = True
            print(f"[redis] stopped after {i} passes", flush=True)
        if is_down and now >= up_at:
            stack.redis_start(args.redis_port, persist=True)
            is_down, returned = False, time.monotonic()
            print(f"[redis] back after {i} passes", flush=True)
        site.pass_one(attempt)
        bad += site.pages()
        rounds += 1
        time.sleep(max(0.0, started + (i + 1) * pace - time.monotonic()))
    if is_down:
        while time.monotonic() < up_at:
            bad += site.pages()
            rounds += 1
        stack.redis_start(args.redis_port, persist=True)
        returned = time.monotonic()
    ids = site.completion_ids[first:]
    t, took = wait_until_done(
        ids, mail_dir, site.organisation.pk, since=returned or started, deadline=args.deadline
    )
    extra = f" Redis returned; {rounds} page rounds, 5xx {bad + len([p for p in PAGES_5XX if p.startswith('submit')])}"
    return report("redis", t, took, extra) and bad == 0


def scenario_postgres(site: Site, admin_url: str, database: str, mail_dir, args) -> bool:
    import psycopg

    first = len(site.completion_ids)
    attempts = site.learners(args.pg_passes)
    stop_event = threading.Event()
    terminated = 0

    def terminator():
        nonlocal terminated
        with psycopg.connect(admin_url, autocommit=True) as conn:
            while not stop_event.wait(1.0):
                rows = conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND application_name = %s",
                    [database, WORKER_APP_NAME],
                ).fetchall()
                terminated += len(rows)

    thread = threading.Thread(target=terminator, daemon=True)
    started = time.monotonic()
    thread.start()
    for attempt in attempts:
        site.pass_one(attempt)
    # keep dropping connections a little longer, while the worker catches up
    time.sleep(10)
    stop_event.set()
    thread.join()
    ids = site.completion_ids[first:]
    t, took = wait_until_done(
        ids, mail_dir, site.organisation.pk, since=started, deadline=args.deadline
    )
    return report("postgres", t, took, f" the first pass; {terminated} connections terminated")


def scenario_cache(site: Site, mail_dir, args) -> bool:
    from django.core.cache import cache

    first = len(site.completion_ids)
    attempts = site.learners(args.cache_passes)
    started = time.monotonic()
    clears = 0
    last = 0.0
    for attempt in attempts:
        site.pass_one(attempt)
        if time.monotonic() - last > 1:
            cache.clear()
            clears, last = clears + 1, time.monotonic()
    ids = site.completion_ids[first:]
    t, took = wait_until_done(
        ids, mail_dir, site.organisation.pk, since=started, deadline=args.deadline
    )
    return report("cache", t, took, f" the first pass; cache cleared {clears} times")


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--passes", type=int, default=1000, help="passes in the kill scenario")
    parser.add_argument("--kills", type=int, default=20, help="at least this many worker kills")
    parser.add_argument("--redis-passes", type=int, default=300)
    parser.add_argument("--redis-down", type=float, default=120.0, help="seconds Redis is down")
    parser.add_argument("--pg-passes", type=int, default=200)
    parser.add_argument("--cache-passes", type=int, default=200)
    parser.add_argument(
        "--deadline", type=float, default=600.0, help="seconds to wait per scenario"
    )
    parser.add_argument(
        "--scenarios", default="kill,redis,postgres,cache", help="comma-separated, in this order"
    )
    parser.add_argument("--fresh", action="store_true", help="drop the scratch database first")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        sys.exit("benchmarks/chaos.py needs redis-server on the PATH")
    base_url = os.environ.get("DATABASE_URL", "")
    url = scratch_database_url(base_url, args.fresh, suffix="chaos")
    database = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    files = Path(tempfile.mkdtemp(prefix="stm-chaos-"))
    mail_dir = files / "mail"
    mail_dir.mkdir()
    stack = Stack(files=files)
    env_settings = production_environment(
        files,
        SECURE_SSL_REDIRECT="false",
        REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
        CACHE_URL=f"redis://127.0.0.1:{args.redis_port}/1",
        EMAIL_URL=f"filemail:///{mail_dir}",  # every copy is a file to count
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env_settings)
    worker_env = {
        **os.environ,
        "DATABASE_URL": f"{url}?application_name={WORKER_APP_NAME}",
    }
    signal.signal(signal.SIGTERM, _interrupt)
    ok = True
    try:
        stack.redis_start(args.redis_port, persist=True)
        setup_django(url, migrate=True, settings="config.settings.production")
        from django.test.utils import override_settings

        # the test client renders pages without collectstatic's manifest
        override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ).enable()
        from cms.roles import ensure_roles

        ensure_roles()
        stack.beat_start(worker_env, loglevel="WARNING")
        site = Site(uuid.uuid4().hex[:6])
        wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
        print(
            f"chaos: scratch database {database}, redis-server on {args.redis_port}, files {files}",
            flush=True,
        )
        if "kill" in wanted:
            ok &= scenario_kill(site, stack, worker_env, mail_dir, args)
        else:
            worker_start(stack, worker_env)
        if "redis" in wanted:
            ok &= scenario_redis(site, stack, mail_dir, args)
        if "postgres" in wanted:
            ok &= scenario_postgres(site, admin_url, database, mail_dir, args)
        if "cache" in wanted:
            ok &= scenario_cache(site, mail_dir, args)
        if PAGES_5XX:
            print(f"5xx answers: {PAGES_5XX[:20]}")
    except KeyboardInterrupt:
        print("interrupted")
        ok = False
    finally:
        stack.stop_all()
        if ok:
            shutil.rmtree(files, ignore_errors=True)
        else:
            print(f"files kept for inspection: {files}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
