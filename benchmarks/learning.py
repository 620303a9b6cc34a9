"""Benchmark of the lesson player on PostgreSQL behind gunicorn (workers and threads as in the
Procfile: 2 x 2).

    DATABASE_URL=postgres://stm:stm@127.0.0.1:5432/stm uv run python benchmarks/learning.py

Seeds a course (an introduction with questions and a scenario, two storylines) and learners with
an open attempt in a scratch database next to the one in DATABASE_URL (<name>_bench_learning,
created when missing; --fresh drops it first), starts gunicorn on a free port, and measures with
concurrent clients (default 8):

- reference: a trivial Django view through the whole middleware stack (GET /admin/login/,
  which only redirects; the language switch it used to call accepts POST only), measured in the same run so machines compare;
- lesson page: GET of the lesson player for logged-in learners;
- answer submit: POST of an answer, graded on the server (each POST a new question/learner).

Prints requests/s and p95 per measurement, the ratio of each throughput to the reference, and
the SQL queries of one lesson page (in-process). Goals (issue 5): a lesson page uses <= 10
queries, p95 < 100 ms at 8 concurrent learners. The ratio to the redirect view is printed for
comparison only: it was the wrong measure (every learner here has the same fresh attempt), and
the goals for what learners feel live in `benchmarks/journeys.py` (ADR 0014). This script stays
as a quick, small check of the lesson player on its own.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_database_url, setup_django  # noqa: E402

QUESTIONS_PER_LESSON = 6


def seed(learners: int):
    """A course with storylines and `learners` learners, each with an open attempt and a
    session. Returns the course, the attempts and each learner's session key."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from benchmarks.course_data import course_load
    from courses.selectors import course_outline
    from lms import services

    course = course_load(
        title="Benchmark", storylines=True, questions_per_lesson=QUESTIONS_PER_LESSON
    )
    storyline = course_outline(course=course).storylines[0][0]
    backend = settings.AUTHENTICATION_BACKENDS[0]
    rows = []
    for _n in range(learners):
        user = User.objects.create_user(
            f"bench-{uuid.uuid4().hex}@example.org", full_name="Deelnemer Benchmark"
        )
        enrolment = services.enrolment_create(user=user, course=course)
        attempt = services.attempt_start(enrolment=enrolment, storyline=storyline)
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        rows.append((attempt, session.session_key))
    return course, rows


def lesson_queries(attempt) -> int:
    """SQL queries of one lesson page that records the visit (the learner comes back from the
    next lesson), in-process with the test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(attempt.user)
    first, second = attempt.snapshot["lesson_ids"][:2]
    url = reverse("lms:lesson", kwargs={"lesson_id": first})
    client.get(url)
    client.get(reverse("lms:lesson", kwargs={"lesson_id": second}))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_web() -> dict[str, str]:
    """The web process's --workers and --threads from the Procfile, so the benchmark measures
    the server as deployed."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    return dict(re.findall(r"--(workers|threads) (\d+)", line))


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    web = procfile_web()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            web["workers"],
            "--threads",
            web["threads"],
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/admin/login/")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    sys.exit("gunicorn did not start within 60 s")


class Learner:
    """One learner's cookies and CSRF token, fetched from a real lesson page."""

    def __init__(self, port: int, attempt, session_key: str):
        self.attempt = attempt
        self.cookie = f"sessionid={session_key}"
        # The learner goes back and forth between two lessons, so every view records the visit.
        self.lesson_paths = [f"/leren/les/{pk}/" for pk in attempt.snapshot["lesson_ids"][:2]]
        self.lesson_path = self.lesson_paths[0]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", self.lesson_path, headers={"Cookie": self.cookie})
        response = conn.getresponse()
        html = response.read().decode()
        if response.status != 200:
            sys.exit(f"lesson page answered {response.status} during warm-up")
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        if csrf_cookie:
            self.cookie += f"; csrftoken={csrf_cookie.group(1)}"
        conn.close()


def measure(port: int, jobs: list, concurrency: int) -> dict:
    """Run `jobs` (method, path, headers, body, expected status) over `concurrency` keep-alive
    connections; return requests/s and latency percentiles."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(jobs))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                method, path, headers, body, expected = queue.pop()
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != expected:
                    failures.append(f"{method} {path}: {response.status}")
        conn.close()

    threads = [threading.Thread(target=worker) for _n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        print(f"  {len(failures)} unexpected answers, e.g. {failures[:3]}")
    latencies.sort()
    return {
        "n": len(latencies),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="GETs per page measured")
    parser.add_argument("--fresh", action="store_true", help="drop the scratch database first")
    args = parser.parse_args()

    url = scratch_database_url(
        os.environ.get("DATABASE_URL", "postgres://stm:stm@127.0.0.1:5432/stm"),
        args.fresh,
        suffix="learning",
    )
    setup_django(url, migrate=True)
    print(f"seeding a course and {args.learners} learners ...")
    _course, rows = seed(args.learners)
    queries = lesson_queries(rows[0][0])
    # The in-process measurement above used the first learner's lesson; the HTTP runs use all.
    port = free_port()
    server = start_server(url, port)
    try:
        learners = [Learner(port, attempt, key) for attempt, key in rows]
        reference_jobs = [("GET", "/admin/login/", {}, None, 302)] * args.requests
        lesson_jobs = [
            ("GET", learner.lesson_paths[turn % 2], {"Cookie": learner.cookie}, None, 200)
            for turn in range(args.requests // len(learners) + 1)
            for learner in learners
        ][: args.requests]
        answer_jobs = []
        for learner in learners:
            intro_lesson = learner.attempt.snapshot["lesson_ids"][0]
            for question in learner.attempt.graded_questions:
                if question["lesson_id"] != intro_lesson:
                    continue
                correct = next(o["id"] for o in question["options"] if o["correct"])
                path = f"/leren/poging/{learner.attempt.public_id}/vraag/{question['id']}/"
                body = f"csrfmiddlewaretoken={learner.csrf}&option={correct}"
                headers = {
                    "Cookie": learner.cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                }
                answer_jobs.append(("POST", path, headers, body, 303))
        measure(port, reference_jobs[:50], args.concurrency)  # warm both workers
        measure(port, lesson_jobs[:50], args.concurrency)
        results = {
            "trivial view (reference)": measure(port, reference_jobs, args.concurrency),
            "lesson page": measure(port, lesson_jobs, args.concurrency),
            "answer submit": measure(port, answer_jobs, args.concurrency),
        }
    finally:
        server.terminate()
        server.wait(timeout=20)

    reference = results["trivial view (reference)"]["rps"]
    web = procfile_web()
    print(
        f"\ngunicorn {web['workers']} workers x {web['threads']} threads (Procfile), "
        f"{args.concurrency} concurrent clients, PostgreSQL"
    )
    print(f"{'':28} {'n':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs ref':>7}")
    for name, row in results.items():
        print(
            f"{name:28} {row['n']:>5} {row['rps']:>8.1f} {row['p50']:>8.1f} {row['p95']:>8.1f}"
            f" {row['rps'] / reference:>7.2f}"
        )
    print(f"\nSQL queries per lesson page: {queries} (goal <= 10)")
    for name in ("lesson page", "answer submit"):
        row = results[name]
        verdict = "ok" if row["p95"] < 100 else "MISSED"
        print(
            f"{name}: p95 {row['p95']:.0f} ms (goal < 100): {verdict}; "
            f"{row['rps'] / reference:.0%} of the trivial view (for comparison only)"
        )


if __name__ == "__main__":
    main()
