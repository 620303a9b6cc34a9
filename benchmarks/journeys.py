"""What learners feel: virtual learners walk the real seeded modules from enrolment to certificate
under Locust, against the whole stack as deployed (issue 15).

    DATABASE_URL=postgres://stm:stm@127.0.0.1:5432/stm \\
        uv run --frozen python benchmarks/journeys.py [--users 500] [--run-time 10m]

Starts, on 127.0.0.1 and ports --port .. --port+1 (default 8150, 8151), its own stack and stops it
at the end (also on Ctrl-C, SIGTERM or an error): a redis-server of its own (cache, sessions,
Celery broker), the Procfile's `web` (gunicorn, its workers and threads) and `worker` (Celery)
lines as written there, with the production settings (a throwaway SECRET_KEY, PDFs and logs in
a temporary folder; the requests carry X-Forwarded-Proto: https as the TLS proxy in front of
gunicorn adds). Beat is not started: nothing periodic is part of a learner's journey. The data
lives in a scratch database next to DATABASE_URL (<name>_bench_journeys, created and migrated
when missing, reused by later runs; --fresh drops it first) with the real content: `seed_demo`
(which loads courses/content with the course loader).

Before the run, in bulk: --users learner accounts, --readers reader accounts and the capacity
learners, each with a session (rows written straight into the session table: logging in through
the login form would measure the password hasher and trip the login rate limit, not the
learning path). Each learner gets its own account and its own order of modules (one language
version of each, mostly Dutch), and a skill: four in five answer 95% of the questions right, the
others half, so some fail.

Phases, all in this run (figures of different runs or machines do not compare):

1. in-process query counts (django.test Client, CaptureQueriesContext): a lesson page that
   records the visit, an answer as the page's JavaScript posts it and as a form without it;
2. capacity (--capacity-users clients that do not pause, --capacity-time each): a plain Wagtail
   page (cms.ContentPage made by this script, about the size of a lesson page, no cache), then
   lesson pages of learners part-way through different modules; the ratio of the two is the
   lesson page's throughput relative to the plain Wagtail page;
3. journeys: `locust --headless` with --users learners (think time --think-min..--think-max s
   between pages) and --readers signed-in people reading the plain page with the same think
   time, --spawn-rate per second, for --run-time.

Then, from the database: every answer the server acknowledged is stored (else it is lost), and
every pass has a certificate PDF (time from the completion's completed_at to the certificate's
pdf_rendered_at; the script waits up to 60 s after the run for the last ones).

Prints per page type: requests, 5xx, other errors, p50/p95/p99 and requests/s per core. Asserts
nothing: the figures are for people, and the machine is often shared, so they are noisy. Goals
(issue 15): 500 learners for 10 minutes with 0 errors (no 5xx, no lost answer), p95 < 300 ms for
every page type, every certificate within 60 s of the pass; lesson page throughput >= 1.0x the
plain Wagtail page; a lesson page <= 10 queries, an answer <= 6.
"""

import argparse
import json
import math
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_database_url, setup_django  # noqa: E402
from benchmarks.stack import Stack, die_with_parent, production_environment  # noqa: E402

LOCUSTFILE = Path(__file__).with_name("journeys_locust.py")
GOAL_P95_MS = 300.0
GOAL_CERTIFICATE_S = 60.0
GOAL_RATIO = 1.0
GOAL_LESSON_QUERIES = 10
GOAL_ANSWER_QUERIES = 6
PLAIN_SLUG = "journeys-reference"
REFERENCE = "plain Wagtail page"
CORES = os.cpu_count() or 1


# --- the run's set-up -----------------------------------------------------------------------


def static_files_ensure() -> None:
    """collectstatic, unless the files it would collect are those collected last time (their
    names, sizes and times are the fingerprint): whitenoise's compressed manifest storage
    takes minutes to post-process everything again."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    stamp = Path(settings.STATIC_ROOT) / ".journeys-fingerprint"
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest.hexdigest())


def settings_environment(files: Path) -> dict[str, str]:
    """The production settings for every process of this run."""
    return production_environment(
        files,
        # collected static files (minutes to collect on a busy machine) last across runs
        VAR_DIR=str(Path(tempfile.gettempdir()) / "stm-journeys-var"),
        DEMO_DATA_ALLOWED="true",  # seed_demo in the scratch database only
        LOG_LEVEL="WARNING",
    )


# --- the data -------------------------------------------------------------------------------


def courses_live() -> list:
    from courses.models import CoursePage

    return list(
        CoursePage.objects.live().select_related("locale").prefetch_related("prerequisites")
    )


def answer_key() -> dict[str, dict]:
    """What a learner who knows the answer would choose, per question block id (the id the
    page's forms carry), for every live lesson."""
    from courses.models import LessonPage
    from courses.selectors import block_questions

    key: dict[str, dict] = {}
    for lesson in LessonPage.objects.live():
        for question in block_questions(lesson):
            kind = question["type"]
            row: dict = {"type": kind}
            if kind in ("single_choice", "multiple_choice"):
                row["options"] = [o["id"] for o in question["options"]]
                row["correct"] = [o["id"] for o in question["options"] if o["correct"]]
            elif kind == "true_false":
                row["correct"] = question["correct"]
            elif kind == "ordering":
                row["items"] = [i["id"] for i in question["items"]]
            elif kind == "scenario":
                row["start"] = question["start"]
                row["scenes"] = [
                    {
                        "key": s["key"],
                        "options": [
                            {"id": o["id"], "recommended": o["recommended"], "next": o["next"]}
                            for o in s["options"]
                        ],
                    }
                    for s in question["scenes"]
                ]
            key[question["id"]] = row
    return key


def accounts_create(tag: str, count: int, kind: str) -> list:
    """`count` verified learner accounts with one password hash (hashing each would take
    minutes and is not what is measured)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts import roles

    User = get_user_model()
    password = make_password(secrets.token_urlsafe(16))
    users = User.objects.bulk_create(
        [
            User(
                email=f"journeys-{tag}-{kind}-{n}@example.org",
                full_name=f"Leerling {kind} {n}",
                password=password,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=2000,
    )
    group = Group.objects.get(name=roles.LEARNER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=2000
    )
    return users


def sessions_create(users: list) -> list[str]:
    """A signed-in session per user, written in bulk as `login()` would leave it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + timedelta(days=1)
    rows, keys = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(
            Session(session_key=key, session_data=store().encode(data), expire_date=expires)
        )
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


def path_of(url: str) -> str:
    """The path of a page's URL (Wagtail gives a full URL when there are several sites)."""
    return urlparse(url).path


def module_orders(courses: list, count: int, rng: random.Random) -> list[list[dict]]:
    """Per learner: one language version of every module (Dutch three times in four where there
    is one), modules without prerequisites in a random order, then the ones with."""
    by_key: dict = defaultdict(list)
    for course in courses:
        by_key[course.translation_key].append(course)
    orders = []
    for _n in range(count):
        chosen = []
        for versions in by_key.values():
            dutch = [c for c in versions if c.locale.language_code == "nl"]
            pick = dutch[0] if dutch and rng.random() < 0.75 else rng.choice(versions)
            chosen.append(
                {
                    "url": path_of(pick.get_url()),
                    "prerequisites": [str(p.translation_key) for p in pick.prerequisites.all()],
                }
            )
        rng.shuffle(chosen)
        chosen.sort(key=lambda c: bool(c["prerequisites"]))
        orders.append(chosen)
    return orders


def respond(question: dict, right: bool, rng: random.Random) -> dict | None:
    """A response in the shape lms.services.answer_submit takes, right or wrong."""
    kind = question["type"]
    if kind in ("single_choice", "multiple_choice"):
        correct = [o["id"] for o in question["options"] if o["correct"]]
        wrong = [o["id"] for o in question["options"] if not o["correct"]]
        return {"option_ids": correct if right or not wrong else [rng.choice(wrong)]}
    if kind == "true_false":
        return {"value": question["correct"] if right else not question["correct"]}
    if kind == "ordering":
        items = [i["id"] for i in question["items"]]
        if not right and len(items) > 1:
            items[0], items[1] = items[1], items[0]
        return {"item_ids": items}
    return None


def rush_learners_create(users: list, courses: list, rng: random.Random) -> list[dict]:
    """Learners part-way through different modules (their own storyline and answers, some
    wrong), so the capacity phase does not see one state over and over."""
    from django.urls import reverse

    from courses.selectors import course_outline
    from lms import services

    open_courses = [c for c in courses if not c.prerequisites.all()]
    rows = []
    for user in users:
        course = rng.choice(open_courses)
        enrolment = services.enrolment_create(user=user, course=course)
        attempt = services.attempt_start(enrolment=enrolment)
        if services.attempt_storyline_pending(attempt):
            storylines = [s for s, _lessons in course_outline(course=course).storylines]
            attempt = services.attempt_storyline_choose(
                attempt=attempt, storyline=rng.choice(storylines)
            )
        for question in attempt.graded_questions:
            if rng.random() < 0.5:
                response = respond(question, rng.random() < 0.8, rng)
                if response is not None:
                    services.answer_submit(
                        attempt=attempt, question_id=question["id"], response=response
                    )
        lessons = [
            reverse("lms:lesson", kwargs={"lesson_id": pk}) for pk in attempt.snapshot["lesson_ids"]
        ]
        rows.append({"user": user, "attempt": attempt, "lessons": lessons})
    return rows


def plain_page_ensure(size: int):
    """A live cms.ContentPage of about `size` bytes of HTML (the lesson page's), without any
    cache: the reference a Wagtail user knows."""
    from django.test import Client

    from cms.models import ContentPage, HomePage

    home = HomePage.objects.get(locale__language_code="nl")
    page = ContentPage.objects.filter(slug=PLAIN_SLUG).first()
    paragraph = (
        "<p>Mensenhandel herkennen begint bij opletten: wie bepaalt waar iemand werkt, woont "
        "en wat er met het loon gebeurt? Signalen zijn zelden eenduidig; samen zien we meer.</p>"
    )
    if page is None:
        page = ContentPage(title="Referentiepagina", slug=PLAIN_SLUG, body=paragraph)
        home.add_child(instance=page)
    client = Client()
    for _round in range(3):
        html = client.get(path_of(page.url), secure=True).content
        missing = size - len(html)
        if abs(missing) < 300:
            break
        count = max(1, page.body.count("<p>") + math.floor(missing / len(paragraph)))
        page.body = paragraph * count
        page.save_revision().publish()
        page.refresh_from_db()
    return page, len(client.get(path_of(page.url), secure=True).content)


# --- in-process measurements ----------------------------------------------------------------


def query_counts(rush: dict, fresh_user, course) -> dict[str, int]:
    """Queries of a lesson page that records the visit (warm caches: the learner comes back from
    another lesson), and of one answer, posted as the page's JavaScript does and without it."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lms import services

    # CaptureQueriesContext counts the growth of connection.queries_log, which stops growing
    # once it holds its maximum: start from an empty log.
    reset_queries()
    client = Client()
    client.force_login(rush["user"])
    first, second = rush["lessons"][:2]
    client.get(first, secure=True)
    client.get(second, secure=True)
    reset_queries()
    with CaptureQueriesContext(connection) as lesson:
        response = client.get(first, secure=True)
    assert response.status_code == 200, response.status_code
    # read now: captured_queries is a slice of the connection's log, which is reset below
    counts = {"lesson page": len(lesson)}

    from courses.selectors import course_outline

    enrolment = services.enrolment_create(user=fresh_user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    if services.attempt_storyline_pending(attempt):
        storyline = course_outline(course=course).storylines[0][0]
        attempt = services.attempt_storyline_choose(attempt=attempt, storyline=storyline)
    questions = [
        q
        for q in attempt.graded_questions
        if q["type"] in ("single_choice", "multiple_choice", "true_false")
    ]
    client = Client()
    client.force_login(fresh_user)
    client.get(f"/leren/les/{questions[0]['lesson_id']}/", secure=True)
    for name, question, headers in (
        ("answer (JavaScript)", questions[0], {"HTTP_X_LMS_FRAGMENT": "1"}),
        ("answer (form, no JavaScript)", questions[1], {}),
    ):
        response = respond(question, True, random.Random(0))
        if question["type"] == "true_false":
            data = {"value": "true" if response["value"] else "false"}
        else:
            data = {"option": response["option_ids"]}
        url = f"/leren/poging/{attempt.public_id}/vraag/{question['id']}/"
        reset_queries()
        with CaptureQueriesContext(connection) as answer:
            reply = client.post(url, data, secure=True, **headers)
        assert reply.status_code in (200, 303), reply.status_code
        counts[name] = len(answer)
    return counts


# --- Locust ---------------------------------------------------------------------------------


def locust_run(
    *,
    files: Path,
    name: str,
    classes: list[str],
    port: int,
    users: int,
    spawn_rate: float,
    run_time: str,
    env: dict[str, str],
) -> tuple[list, list]:
    """One headless Locust run; returns (requests, acknowledged answers) it recorded."""
    out = files / f"locust-{name}.jsonl"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        run_time,
        "--stop-timeout",
        "0",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    with open(files / f"locust-{name}.log", "ab") as log:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "JOURNEYS_OUT": str(out)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        try:
            proc.wait()
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=30)
    if proc.returncode != 0 or not out.exists():
        tail = (files / f"locust-{name}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"locust ({name}) exited with {proc.returncode}:\n{tail}")
    requests, answers = [], []
    for line in out.read_text().splitlines():
        row = json.loads(line)
        (requests if "request" in row else answers).append(row.get("request") or row["answer"])
    return requests, answers


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def table(requests: list) -> dict[str, dict]:
    """Per page type: count, 5xx, other errors, percentiles (ms), requests/s per core over the
    whole run's span."""
    if not requests:
        return {}
    span = max(r[4] for r in requests) - min(r[4] for r in requests) or 1.0
    rows: dict[str, list] = defaultdict(list)
    for row in requests:
        rows[row[0]].append(row)
    result = {}
    for name, group in rows.items():
        times = [r[1] for r in group]
        result[name] = {
            "n": len(group),
            "5xx": sum(1 for r in group if r[2] >= 500),
            "other errors": sum(1 for r in group if r[3] and r[2] < 500),
            "examples": sorted({f"{r[2]}: {r[3]}" for r in group if r[3]})[:3],
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "rps/core": len(group) / span / CORES,
        }
    return result


def reference_lines(journeys: dict[str, dict]) -> list[str]:
    """Each page type's p95 next to the plain Wagtail page's in the same journeys: when the
    reference itself misses the goal, the machine, not a page, is the bottleneck."""
    reference = journeys.get(REFERENCE)
    if reference is None:
        return []
    lines = [
        f"{name:28} p95 {row['p95']:>7.0f} ms, {row['p95'] / reference['p95']:>5.2f}x the plain"
        f" Wagtail page's {reference['p95']:.0f} ms"
        for name, row in sorted(journeys.items())
        if name != REFERENCE
    ]
    if reference["p95"] >= GOAL_P95_MS:
        lines.append(
            "the plain Wagtail page (no cache, the reference) misses the goal itself: the server"
            " was saturated (see the offered load below)"
        )
    return lines


def load_lines(
    *, people: int, think_min: float, think_max: float, requests: list, capacity: dict
) -> list[str]:
    """The requests per second the journeys demand (each person sends about one request per
    think time; requests that follow another without a pause add to it), what the server
    served, and the capacity measured in this run's capacity phase (all cores)."""
    think = (think_min + think_max) / 2
    lines = []
    offered = people / think if think > 0 else None
    if offered is not None:
        lines.append(
            f"offered: {people} people, think time {think_min:g}-{think_max:g} s (mean {think:g} s):"
            f" about {offered:.1f} requests/s (at least; one request per think time each)"
        )
    if requests:
        span = max(r[4] for r in requests) - min(r[4] for r in requests) or 1.0
        lines.append(f"served in the journeys: {len(requests) / span:.1f} requests/s")
    for name in (f"{REFERENCE} (capacity)", "lesson page (capacity)"):
        row = capacity.get(name)
        if row is None:
            continue
        served = row["rps/core"] * CORES
        share = f"; the offered load is {offered / served:.2f}x this" if offered else ""
        lines.append(f"capacity of this run, {name}: {served:.1f} requests/s{share}")
    return lines


def table_print(title: str, rows: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(
        f"  {'page type':32} {'requests':>8} {'5xx':>5} {'other':>6} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'p99 ms':>8} {'req/s/core':>10}"
    )
    for name, row in sorted(rows.items()):
        print(
            f"  {name:32} {row['n']:>8} {row['5xx']:>5} {row['other errors']:>6} {row['p50']:>8.0f}"
            f" {row['p95']:>8.0f} {row['p99']:>8.0f} {row['rps/core']:>10.2f}"
        )


# --- checks in the database -----------------------------------------------------------------


def lost_answers(answers: list) -> int:
    """Answers the server acknowledged (200) that are not in the database."""
    from lms.models import Answer

    stored = set(
        Answer.objects.filter(attempt__public_id__in={a for a, _q in answers}).values_list(
            "attempt__public_id", "question_id"
        )
    )
    stored = {(str(a), q) for a, q in stored}
    return sum(1 for a, q in {tuple(row) for row in answers} if (a, q) not in stored)


def certificate_latencies(user_ids: list[int], stack: Stack) -> dict:
    """Pass -> stored certificate PDF for every completion of these learners, waiting until
    each has one or 60 s have passed since the last pass."""
    from django.utils import timezone

    from lms.models import Completion

    completions = Completion.objects.filter(user_id__in=user_ids)
    last = max((c.completed_at for c in completions), default=None)
    if last is not None:
        deadline = last + timedelta(seconds=GOAL_CERTIFICATE_S + 5)
        while timezone.now() < deadline:
            stack.check()
            if not completions.filter(certificate__pdf_rendered_at__isnull=True).exists() and (
                completions.filter(certificate__isnull=True).count() == 0
            ):
                break
            time.sleep(1)
    seconds, missing = [], 0
    for completed_at, rendered_at in completions.values_list(
        "completed_at", "certificate__pdf_rendered_at"
    ):
        if rendered_at is None:
            missing += 1
        else:
            seconds.append((rendered_at - completed_at).total_seconds())
    return {
        "passes": len(seconds) + missing,
        "missing": missing,
        "late": sum(1 for s in seconds if s > GOAL_CERTIFICATE_S),
        "p50": statistics.median(seconds) if seconds else None,
        "p95": percentile(seconds, 0.95) if seconds else None,
        "max": max(seconds) if seconds else None,
    }


# --- the run --------------------------------------------------------------------------------


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:4.0f} s] {message}", flush=True)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Needs DATABASE_URL (PostgreSQL; a scratch database is made next to it), "
        "redis-server on the PATH and the Locust dev dependency. Quick run while developing: "
        "--users 30 --run-time 60s --capacity-time 15s.",
    )
    parser.add_argument("--users", type=int, default=500, help="virtual learners (500)")
    parser.add_argument(
        "--readers", type=int, help="people reading the plain page (default: users / 10)"
    )
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--run-time", default="10m", help="journeys phase, Locust syntax (10m)")
    parser.add_argument("--think-min", type=float, default=3.0, help="seconds (3)")
    parser.add_argument("--think-max", type=float, default=10.0, help="seconds (10)")
    parser.add_argument(
        "--capacity-users", type=int, default=8, help="clients without pauses, per page (8)"
    )
    parser.add_argument(
        "--capacity-time", default="30s", help="each capacity measurement (30s; 0 skips it)"
    )
    parser.add_argument("--port", type=int, default=8150, help="gunicorn; redis on port + 1")
    parser.add_argument("--seed", type=int, default=15, help="random seed of the learners")
    parser.add_argument("--fresh", action="store_true", help="drop the scratch database first")
    parser.add_argument("--keep-files", action="store_true", help="keep logs, PDFs, results")
    args = parser.parse_args()
    if args.readers is None:
        args.readers = max(1, args.users // 10)
    if args.users < 1 or args.think_min < 0 or args.think_max < args.think_min:
        parser.error("need --users >= 1 and 0 <= --think-min <= --think-max")
    return args


def main() -> None:
    args = arguments()
    url = scratch_database_url(
        os.environ.get("DATABASE_URL", "postgres://stm:stm@127.0.0.1:5432/stm"),
        args.fresh,
        suffix="journeys",
    )
    files = Path(tempfile.mkdtemp(prefix="stm-journeys-"))
    tag = uuid.uuid4().hex[:8]
    rng = random.Random(args.seed)
    os.environ.update(settings_environment(files))
    os.environ["DATABASE_URL"] = url
    signal.signal(signal.SIGTERM, _interrupt)
    stack = Stack(files=files)
    keep_files = args.keep_files
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    try:
        say(f"scratch database {url.rsplit('/', 1)[1]}, files in {files}")
        os.environ["REDIS_URL"] = stack.redis_start(args.port + 1)
        setup_django(url, migrate=True, settings="config.settings.production")
        from django.core.management import call_command

        say("seeding the demo content and the static files ...")
        call_command("seed_demo", verbosity=0)
        static_files_ensure()

        courses = courses_live()
        key = answer_key()
        say(
            f"{len(courses)} live modules, {len(key)} questions; creating {args.users} learners, "
            f"{args.readers} readers, {args.capacity_users * 4} capacity learners ..."
        )
        learners = accounts_create(tag, args.users, "learner")
        readers = accounts_create(tag, args.readers, "reader")
        rush_users = accounts_create(tag, args.capacity_users * 4 + 1, "capacity")
        rush = rush_learners_create(rush_users[1:], courses, rng)
        learner_sessions = sessions_create(learners)
        reader_sessions = sessions_create(readers)
        rush_sessions = sessions_create([r["user"] for r in rush])

        from django.test import Client

        client = Client()
        client.force_login(rush[0]["user"])
        lesson_size = len(client.get(rush[0]["lessons"][0], secure=True).content)
        plain, plain_size = plain_page_ensure(lesson_size)
        open_course = next(c for c in courses if not c.prerequisites.all())
        queries = query_counts(rush[0], rush_users[0], open_course)

        orders = module_orders(courses, args.users, rng)
        plan = {
            "think_min": args.think_min,
            "think_max": args.think_max,
            "plain_url": path_of(plain.url),
            "answer_key": key,
            "learners": [
                {"session": s, "skill": 0.95 if rng.random() < 0.8 else 0.5, "courses": o}
                for s, o in zip(learner_sessions, orders, strict=True)
            ],
            "readers": reader_sessions,
            "rush_learners": [
                {"session": s, "lessons": r["lessons"]}
                for s, r in zip(rush_sessions, rush, strict=True)
            ],
        }
        plan_path = files / "plan.json"
        plan_path.write_text(json.dumps(plan))

        env = {**os.environ, "LOG_LEVEL": "INFO"}  # the servers log as in production
        say("starting redis, gunicorn and the worker (Procfile) ...")
        web_command = stack.web_start(env, args.port)
        worker_command = stack.worker_start(env, hostname=f"journeys-{tag}@{socket.gethostname()}")
        locust_env = {**os.environ, "JOURNEYS_PLAN": str(plan_path)}

        capacity: dict[str, dict] = {}
        if args.capacity_time not in ("0", "0s"):
            for cls in ("PageRush", "LessonRush"):
                say(f"capacity: {cls}, {args.capacity_users} clients ...")
                requests, _answers = locust_run(
                    files=files,
                    name=cls,
                    classes=[cls],
                    port=args.port,
                    users=args.capacity_users,
                    spawn_rate=args.capacity_users,
                    run_time=args.capacity_time,
                    env=locust_env,
                )
                capacity.update(table(requests))
                stack.check()

        say(
            f"journeys: {args.users} learners + {args.readers} readers, spawn {args.spawn_rate}/s,"
            f" {args.run_time} ..."
        )
        load_during_start = os.getloadavg()
        requests, answers = locust_run(
            files=files,
            name="journeys",
            classes=["Learner", "Reader"],
            port=args.port,
            users=args.users + args.readers,
            spawn_rate=args.spawn_rate,
            run_time=args.run_time,
            env={**locust_env, "JOURNEYS_READERS": str(args.readers)},
        )
        load_after = os.getloadavg()
        stack.check()
        journeys = table(requests)
        say("checking answers and certificates ...")
        lost = lost_answers(answers)
        certificates = certificate_latencies([u.pk for u in learners], stack)
    except BaseException as exc:
        keep_files = keep_files or not isinstance(exc, KeyboardInterrupt)
        raise
    finally:
        stack.close(keep_files=keep_files, kept="logs, plan, Locust results, PDFs")

    # --- the report ---
    print(f"\n=== learner journeys, {started}, {CORES} cores ===")
    print(f"web:    {' '.join(web_command[2:])}")
    print(f"worker: {' '.join(worker_command[2:])}")
    print(
        "load average (1/5/15 min) before setup "
        + "/".join(f"{x:.1f}" for x in load_before)
        + ", at the start of the journeys "
        + "/".join(f"{x:.1f}" for x in load_during_start)
        + ", at their end "
        + "/".join(f"{x:.1f}" for x in load_after)
        + " (includes this script and Locust, which share the cores)"
    )
    print(f"lesson page {lesson_size:,} bytes of HTML, plain Wagtail page {plain_size:,} bytes")
    print("\nSQL queries (in-process, warm caches):")
    for name, count in queries.items():
        goal = GOAL_LESSON_QUERIES if name == "lesson page" else GOAL_ANSWER_QUERIES
        print(f"  {name:32} {count:>3}  (goal <= {goal}: {verdict(count <= goal)})")
    ratio = None
    if capacity:
        table_print(
            f"capacity ({args.capacity_users} clients without pauses, {args.capacity_time} each)",
            capacity,
        )
        lesson_rps = capacity["lesson page (capacity)"]["rps/core"]
        plain_rps = capacity["plain Wagtail page (capacity)"]["rps/core"]
        ratio = lesson_rps / plain_rps if plain_rps else None
    table_print(
        f"journeys ({args.users} learners + {args.readers} readers, think time "
        f"{args.think_min:g}-{args.think_max:g} s, {args.run_time})",
        journeys,
    )
    for name, row in sorted(journeys.items()):
        for example in row["examples"]:
            print(f"  error on {name}: {example}")
    errors_5xx = sum(r["5xx"] for r in journeys.values())
    errors_other = sum(r["other errors"] for r in journeys.values())
    slow = [name for name, r in journeys.items() if r["p95"] >= GOAL_P95_MS]
    print(
        f"\nanswers acknowledged: {len({tuple(a) for a in answers})}, lost (not in the database):"
        f" {lost}"
    )
    print(
        f"passes: {certificates['passes']}, certificate PDF missing {certificates['missing']},"
        f" later than {GOAL_CERTIFICATE_S:.0f} s: {certificates['late']}"
        + (
            f"; pass -> PDF p50 {certificates['p50']:.1f} s, p95 {certificates['p95']:.1f} s,"
            f" max {certificates['max']:.1f} s"
            if certificates["p50"] is not None
            else ""
        )
    )
    print("\ngoals (issue 15):")
    print(
        f"  0 errors: {errors_5xx} 5xx, {errors_other} other, {lost} lost answers:"
        f" {verdict(errors_5xx == errors_other == lost == 0)}"
    )
    print(
        f"  p95 < {GOAL_P95_MS:.0f} ms for every page type: "
        + (f"slower: {', '.join(slow)}: " if slow else "")
        + verdict(not slow)
    )
    for line in reference_lines(journeys):
        print(f"    {line}")
    print(
        f"  certificates within {GOAL_CERTIFICATE_S:.0f} s of the pass: "
        f"{verdict(certificates['missing'] == certificates['late'] == 0)}"
    )
    if ratio is not None:
        print(
            f"  lesson page throughput {ratio:.2f}x the plain Wagtail page (goal >= "
            f"{GOAL_RATIO:.1f}x): {verdict(ratio >= GOAL_RATIO)}"
        )
    print("\nload offered and served:")
    for line in load_lines(
        people=args.users + args.readers,
        think_min=args.think_min,
        think_max=args.think_max,
        requests=requests,
        capacity=capacity,
    ):
        print(f"  {line}")


if __name__ == "__main__":
    main()
