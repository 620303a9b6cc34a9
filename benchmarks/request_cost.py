"""What one request of a learner costs the server in CPU, in-process, without the noise of a
shared machine's scheduler (issue 15): the journeys' page types and the plain Wagtail page as
the reference, with the production settings.

    DATABASE_URL=postgres://stm:stm@127.0.0.1:5432/stm CACHE_URL=redis://127.0.0.1:6379/15 \\
        uv run --frozen python benchmarks/request_cost.py [--requests 200] [--profile lesson]

Uses the journeys benchmark's scratch database (<name>_bench_journeys; run
`benchmarks/journeys.py` once first: it seeds the modules and makes the plain page) and adds
its own learners to it. Each page type is requested --requests times through
`django.test.Client` (the whole middleware stack, the templates, the session and the cache as
in production; no network, no gunicorn), after a warm-up, the page types taking turns, and the
process CPU time
(`time.process_time`, so other processes' load counts little) per request is printed with its
ratio to the plain Wagtail page measured in the same run. `--profile NAME` runs that page type
under cProfile and prints the functions with the most cumulative and own time.

Page types: the plain Wagtail page (a signed-in reader), the course page of an enrolled
learner, the lesson page (learners part-way through different modules, round robin over their
lessons), an answer as the page's JavaScript posts it (each to a new question) and "lesson
done" (each on the lesson the learner is on). Asserts nothing; the figures are for people.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_database_url, setup_django  # noqa: E402
from benchmarks.stack import production_environment  # noqa: E402

PAGE_TYPES = ("plain", "course", "lesson", "answer", "done")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="per page type (200)")
    parser.add_argument("--warm-up", type=int, default=20, help="requests not counted (20)")
    parser.add_argument("--learners", type=int, default=16, help="learners made for the run")
    parser.add_argument("--profile", choices=PAGE_TYPES, action="append", default=[])
    parser.add_argument("--top", type=int, default=35, help="rows of the profile")
    parser.add_argument("--profile-dir", type=Path, help="also write NAME.prof (pstats) here")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    if args.requests < 1 or args.learners < 1:
        parser.error("need --requests >= 1 and --learners >= 1")
    return args


class Requests:
    """Endless supplies of ready requests, one generator per page type: each yields a callable
    that makes one request with its own client and returns the response."""

    def __init__(self, *, learners: int, rng: random.Random):
        from django.test import Client

        from benchmarks import journeys

        tag = f"cost-{uuid.uuid4().hex[:8]}"
        courses = journeys.courses_live()
        self.open_courses = [c for c in courses if not c.prerequisites.all()]
        self.rng = rng
        self.tag = tag
        self.counter = 0
        readers = journeys.accounts_create(tag, 2, "reader")
        plain, _size = journeys.plain_page_ensure(17_700)
        self.plain_url = journeys.path_of(plain.url)
        self.reader = Client()
        self.reader.force_login(readers[0])
        users = journeys.accounts_create(tag, learners, "capacity")
        self.rush = []
        for row in journeys.rush_learners_create(users, courses, rng):
            client = Client()
            client.force_login(row["user"])
            self.rush.append((client, row))

    def plain(self):
        while True:
            yield lambda: self.reader.get(self.plain_url, secure=True)

    def course(self):
        from courses.models import CoursePage

        while True:
            for client, row in self.rush:
                course = CoursePage.objects.get(pk=row["attempt"].course_id)
                url = course.url
                yield lambda client=client, url=url: client.get(url, secure=True)

    def lesson(self):
        while True:
            for client, row in self.rush:
                for url in row["lessons"]:
                    yield lambda client=client, url=url: client.get(url, secure=True)

    def _fresh_learner(self):
        """A new learner with a fresh attempt (storyline chosen), signed in."""
        from django.test import Client

        from benchmarks import journeys
        from courses.selectors import course_outline
        from lms import services

        self.counter += 1
        (user,) = journeys.accounts_create(f"{self.tag}-{self.counter}", 1, "learner")
        course = self.rng.choice(self.open_courses)
        enrolment = services.enrolment_create(user=user, course=course)
        attempt = services.attempt_start(enrolment=enrolment)
        if services.attempt_storyline_pending(attempt):
            storyline = course_outline(course=course).storylines[0][0]
            attempt = services.attempt_storyline_choose(attempt=attempt, storyline=storyline)
        client = Client()
        client.force_login(user)
        return client, attempt

    def answer(self):
        from benchmarks import journeys

        while True:
            client, attempt = self._fresh_learner()
            for question in attempt.graded_questions:
                response = journeys.respond(question, self.rng.random() < 0.8, self.rng)
                if response is None or question["type"] == "ordering":
                    continue
                if question["type"] == "true_false":
                    data = {"value": "true" if response["value"] else "false"}
                else:
                    data = {"option": response["option_ids"]}
                url = f"/leren/poging/{attempt.public_id}/vraag/{question['id']}/"
                yield lambda client=client, url=url, data=data: client.post(
                    url, data, secure=True, HTTP_X_LMS_FRAGMENT="1"
                )

    def done(self):
        from django.urls import reverse

        while True:
            client, attempt = self._fresh_learner()
            for pk in attempt.snapshot["lesson_ids"]:
                url = reverse("lms:lesson_done", kwargs={"lesson_id": pk})
                yield lambda client=client, url=url: client.post(url, {"shown": ""}, secure=True)


def measure(supplies: dict, *, count: int, warm_up: int, profiled: set[str]) -> dict:
    """CPU and wall milliseconds per request of each page type (the supplies' own set-up is not
    counted). The page types take turns, one request each, so a change in the machine's load
    during the run touches them all alike."""
    profiles = {name: cProfile.Profile(time.process_time) for name in profiled}
    for _n in range(warm_up):
        for supply in supplies.values():
            next(supply)()
    cpu: dict[str, list[float]] = {name: [] for name in supplies}
    wall: dict[str, list[float]] = {name: [] for name in supplies}
    statuses: dict[str, set[int]] = {name: set() for name in supplies}
    for _n in range(count):
        for name, supply in supplies.items():
            call = next(supply)
            profile = profiles.get(name)
            c0, w0 = time.process_time(), time.perf_counter()
            if profile is not None:
                profile.enable()
            response = call()
            if profile is not None:
                profile.disable()
            cpu[name].append((time.process_time() - c0) * 1000)
            wall[name].append((time.perf_counter() - w0) * 1000)
            statuses[name].add(response.status_code)
    return {
        name: {
            "cpu": statistics.fmean(cpu[name]),
            "cpu_p50": statistics.median(cpu[name]),
            "wall": statistics.fmean(wall[name]),
            "statuses": sorted(statuses[name]),
            "profile": profiles.get(name),
        }
        for name in supplies
    }


def main() -> None:
    args = arguments()
    url = scratch_database_url(
        os.environ.get("DATABASE_URL", "postgres://stm:stm@127.0.0.1:5432/stm"),
        False,
        suffix="journeys",
    )
    files = Path(tempfile.mkdtemp(prefix="stm-request-cost-"))
    os.environ.update(
        production_environment(
            files,
            VAR_DIR=str(Path(tempfile.gettempdir()) / "stm-journeys-var"),
            LOG_LEVEL="WARNING",
        )
    )
    # The production cache is Redis; tasks go to an in-memory broker (nothing consumes them).
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/15")
    os.environ["REDIS_URL"] = ""
    os.environ["CELERY_BROKER_URL"] = "memory://"
    setup_django(url, settings="config.settings.production")
    from courses.models import LessonPage

    if not LessonPage.objects.live().exists():
        sys.exit("No live lessons: run benchmarks/journeys.py once first (it seeds the modules).")

    load = os.getloadavg()
    supplies = Requests(learners=args.learners, rng=random.Random(args.seed))
    results = measure(
        {name: getattr(supplies, name)() for name in PAGE_TYPES},
        count=args.requests,
        warm_up=args.warm_up,
        profiled=set(args.profile),
    )
    for name, row in results.items():
        profile = row["profile"]
        if profile is None:
            continue
        if args.profile_dir:
            profile.dump_stats(args.profile_dir / f"{name}.prof")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
            print(f"\n--- {name}: {args.requests} requests, by {order} ---")
            print(out.getvalue())
    load_after = os.getloadavg()
    print(
        f"\n=== CPU per request, in-process, {args.requests} requests each "
        f"(load average {load[0]:.1f} -> {load_after[0]:.1f}) ==="
    )
    reference = results["plain"]["cpu"]
    print(f"  {'page type':14} {'cpu ms':>8} {'p50 ms':>8} {'wall ms':>8} {'x plain':>8}  status")
    for name, row in results.items():
        print(
            f"  {name:14} {row['cpu']:8.2f} {row['cpu_p50']:8.2f} {row['wall']:8.2f}"
            f" {row['cpu'] / reference:8.2f}  {','.join(map(str, row['statuses']))}"
        )
    if args.profile:
        print("(profiled page types run slower: compare their figures only with each other)")


if __name__ == "__main__":
    main()
