"""Locust user classes of `benchmarks/journeys.py` (run it, not this file: it builds the plan this
file reads, starts the stack and reads the results).

The users walk the site the way a browser does: they read the forms (actions, CSRF token, the
'shown' stamp, the storyline choices) from the HTML the server sends and follow its redirects one
by one, so every page is measured under its own name. Only what a person knows and a browser
cannot read from the page comes from the plan: which answer is right (the learner's knowledge)
and the learner's session (created in bulk before the run, see journeys.py).

Environment: JOURNEYS_PLAN (the plan, JSON) and JOURNEYS_OUT (where every request and every
answer the server acknowledged is written at the end, JSON lines).
"""

import json
import os
import random
import re
import time
from itertools import cycle

from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["JOURNEYS_PLAN"], encoding="utf-8").read())  # noqa: SIM115
OUT = os.environ["JOURNEYS_OUT"]
THINK = (PLAN["think_min"], PLAN["think_max"])

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ENROL = re.compile(r'action="([^"]*/leren/cursus/\d+/inschrijven/)"')
ANSWER = re.compile(r'action="([^"]*/leren/poging/([0-9a-f-]{36})/vraag/([^/"]+)/)"')
SCENARIO = re.compile(r'action="([^"]*/leren/poging/([0-9a-f-]{36})/scenario/([^/"]+)/)"')
LESSON_DONE = re.compile(r'action="([^"]*/leren/les/\d+/verder/)"')
SHOWN = re.compile(r'name="shown" value="([^"]*)"')
STORYLINE = re.compile(r'name="storyline" value="(\d+)"')
SUBMIT = re.compile(r'action="([^"]*/leren/poging/[0-9a-f-]{36}/inleveren/)"')
CERTIFICATE = re.compile(r'href="([^"]*/certificaten/([A-Za-z0-9-]{6,32})/)"')
LESSON_PATH = re.compile(r"/leren/les/\d+/$")
STORYLINE_PATH = re.compile(r"/leren/poging/[0-9a-f-]{36}/verhaallijn/$")
ATTEMPT_PATH = re.compile(r"/leren/poging/[0-9a-f-]{36}/$")

# What the server must answer; anything else is an error of the run.
OK_GET = (200,)
OK_REDIRECT = (302, 303)

requests_log: list[list] = []
answers_log: list[list] = []
learner_sessions = list(PLAN["learners"])
reader_sessions = list(PLAN["readers"])
rush_learners = cycle(PLAN["rush_learners"])
rush_sessions = cycle(PLAN["readers"] or [r["session"] for r in PLAN["rush_learners"]])


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    requests_log.append(
        [
            name,
            round(response_time, 2),
            status,
            str(exception)[:200] if exception else "",  # what went wrong, for the report
            round(time.time(), 3),
        ]
    )


@events.quitting.add_listener
def _write(**_kwargs):
    with open(OUT, "w", encoding="utf-8") as handle:
        for row in requests_log:
            handle.write(json.dumps({"request": row}) + "\n")
        for row in answers_log:
            handle.write(json.dumps({"answer": row}) + "\n")


class Browser(HttpUser):
    """A browser behind the site's TLS proxy: the session and CSRF cookies are Secure, so they
    are kept here by hand (requests would not send them over the benchmark's plain HTTP) and
    every request carries X-Forwarded-Proto: https, as the proxy in front of gunicorn adds
    (the plan's `behind_proxy`: false for a server without the production settings)."""

    abstract = True

    def on_start(self):
        self.cookies: dict[str, str] = {}
        self.proxied = PLAN.get("behind_proxy", True)
        self.origin = self.host.replace("http://", "https://") if self.proxied else self.host

    def login(self, session_key: str) -> None:
        self.cookies["sessionid"] = session_key

    def call(self, method, path, *, name, expect, data=None, fragment=False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.proxied:
            headers["X-Forwarded-Proto"] = "https"
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        if fragment:
            headers["X-LMS-Fragment"] = "1"
        with self.client.request(
            method,
            path,
            name=name,
            data=data,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            for cookie in response.cookies:
                self.cookies[cookie.name] = cookie.value
            self.client.cookies.clear()
            if response.status_code not in expect:
                response.failure(f"{response.status_code} (expected {expect})")
            else:
                response.success()
        return response

    def location(self, response) -> str:
        target = response.headers.get("Location", "")
        return target.split("#", 1)[0].replace(self.origin, "")


class Learner(Browser):
    """A learner walking whole modules from enrolment to certificate, in their own account."""

    wait_time = between(*THINK)

    def on_start(self):
        super().on_start()
        if not learner_sessions:
            raise StopUser()
        me = learner_sessions.pop()
        self.login(me["session"])
        self.skill = me["skill"]  # chance of answering a question right
        self.courses = list(me["courses"])  # one language version per module, in order
        self.passed: set[str] = set()
        self.certificates_seen: set[str] = set()

    @task
    def module(self):
        if not self.courses:
            if PLAN.get("quit_when_done"):  # the smoke test: one walk, then the run ends
                self.environment.runner.quit()
            # Every module done: the learner stays signed in but leaves the site alone.
            time.sleep(max(THINK[1], 1.0))
            return
        course = self.courses.pop(0)
        page = self.call("GET", course["url"], name="course page", expect=OK_GET)
        self.wait()
        enrol = ENROL.search(page.text or "")
        token = CSRF_INPUT.search(page.text or "")
        if not enrol or not token:
            return
        # A module with prerequisites refuses learners who failed them (403, a page that says so).
        expect = OK_REDIRECT + ((403,) if course["prerequisites"] else ())
        response = self.call(
            "POST",
            enrol.group(1),
            name="enrol",
            expect=expect,
            data={"csrfmiddlewaretoken": token.group(1)},
        )
        target = self.location(response) if response.status_code in OK_REDIRECT else ""
        for _step in range(200):  # a module has far fewer pages; guards against a loop
            if not target:
                return
            if LESSON_PATH.search(target):
                target = self.lesson(target)
            elif STORYLINE_PATH.search(target):
                target = self.storyline(target)
            elif ATTEMPT_PATH.search(target):
                self.finish(target)
                return
            else:
                return

    def lesson(self, path: str) -> str:
        page = self.call("GET", path, name="lesson page", expect=OK_GET)
        html = page.text or ""
        token = CSRF_INPUT.search(html)
        done = LESSON_DONE.search(html)
        if page.status_code != 200 or not token or not done:
            return ""
        token = token.group(1)
        self.wait()  # reading
        for action, attempt, question_id in dict.fromkeys(ANSWER.findall(html)):
            self.answer(action, attempt, question_id, token)
            self.wait()
        for action, attempt, question_id in dict.fromkeys(SCENARIO.findall(html)):
            self.scenario(action, attempt, question_id, token)
        shown = SHOWN.search(html)
        response = self.call(
            "POST",
            done.group(1),
            name="lesson done",
            expect=OK_REDIRECT,
            data={"csrfmiddlewaretoken": token, "shown": shown.group(1) if shown else ""},
        )
        return self.location(response) if response.status_code in OK_REDIRECT else ""

    def answer(self, action: str, attempt: str, question_id: str, token: str) -> None:
        key = PLAN["answer_key"].get(question_id)
        if key is None:
            return
        right = random.random() < self.skill
        data: dict = {"csrfmiddlewaretoken": token}
        if key["type"] in ("single_choice", "multiple_choice"):
            wrong = [o for o in key["options"] if o not in key["correct"]]
            chosen = key["correct"] if right or not wrong else [random.choice(wrong)]
            data["option"] = chosen if key["type"] == "multiple_choice" else chosen[0]
        elif key["type"] == "true_false":
            value = key["correct"] if right else not key["correct"]
            data["value"] = "true" if value else "false"
        elif key["type"] == "ordering":
            order = list(key["items"])
            if not right and len(order) > 1:
                order[0], order[1] = order[1], order[0]
            for place, item in enumerate(order, start=1):
                data[f"position-{item}"] = str(place)
        else:
            return
        response = self.call("POST", action, name="answer", expect=OK_GET, data=data, fragment=True)
        if response.status_code == 200:
            answers_log.append([attempt, question_id])

    def scenario(self, action: str, attempt: str, question_id: str, token: str) -> None:
        key = PLAN["answer_key"].get(question_id)
        if key is None:
            return
        scenes = {scene["key"]: scene for scene in key["scenes"]}
        scene = scenes.get(key["start"])
        for _step in range(len(scenes)):
            if scene is None or not scene["options"]:
                return
            recommended = [o for o in scene["options"] if o["recommended"]]
            pool = recommended if recommended and random.random() < self.skill else scene["options"]
            option = random.choice(pool)
            response = self.call(
                "POST",
                action,
                name="scenario choice",
                expect=OK_GET,
                data={"csrfmiddlewaretoken": token, "scene": scene["key"], "option": option["id"]},
                fragment=True,
            )
            if response.status_code != 200:
                return
            answers_log.append([attempt, f"{question_id}:{scene['key']}"])
            self.wait()
            scene = scenes.get(option["next"]) if option["next"] else None

    def storyline(self, path: str) -> str:
        page = self.call("GET", path, name="storyline choice", expect=OK_GET)
        html = page.text or ""
        token = CSRF_INPUT.search(html)
        choices = STORYLINE.findall(html)
        if not token or not choices:
            return ""
        self.wait()
        response = self.call(
            "POST",
            path,
            name="storyline chosen",
            expect=OK_REDIRECT,
            data={"csrfmiddlewaretoken": token.group(1), "storyline": random.choice(choices)},
        )
        return self.location(response) if response.status_code in OK_REDIRECT else ""

    def finish(self, path: str) -> None:
        page = self.call("GET", path, name="attempt overview", expect=OK_GET)
        html = page.text or ""
        token = CSRF_INPUT.search(html)
        submit = SUBMIT.search(html)
        if not token or not submit:
            return
        self.wait()
        response = self.call(
            "POST",
            submit.group(1),
            name="submit",
            expect=OK_REDIRECT,
            data={"csrfmiddlewaretoken": token.group(1)},
        )
        if response.status_code not in OK_REDIRECT:
            return
        self.call("GET", self.location(response), name="result page", expect=OK_GET)
        self.wait()
        # "Mijn certificaten"; a new certificate (made by the worker after a pass) is opened.
        for _look in range(2):
            listing = self.call("GET", "/certificaten/", name="certificates page", expect=OK_GET)
            new = [
                href
                for href, code in CERTIFICATE.findall(listing.text or "")
                if code not in self.certificates_seen and code not in ("zip", "beheer")
            ]
            if new:
                self.wait()
                self.call("GET", new[0], name="certificate page", expect=OK_GET)
                self.certificates_seen.update(
                    code for _href, code in CERTIFICATE.findall(listing.text or "")
                )
                return
            self.wait()


class Reader(Browser):
    """The reference: a signed-in person reading a plain Wagtail page (no cache of any kind),
    with the same think time as the learners."""

    wait_time = between(*THINK)
    fixed_count = int(os.environ.get("JOURNEYS_READERS", "0"))

    def on_start(self):
        super().on_start()
        if not reader_sessions:
            raise StopUser()
        self.login(reader_sessions.pop())

    @task
    def read(self):
        self.call("GET", PLAN["plain_url"], name="plain Wagtail page", expect=OK_GET)


class LessonRush(Browser):
    """Capacity: learners part-way through different modules go from lesson to lesson without
    pausing (every view records the visit), as fast as the server answers."""

    wait_time = constant(0)

    def on_start(self):
        super().on_start()
        me = next(rush_learners)
        self.login(me["session"])
        self.lessons = cycle(me["lessons"])

    @task
    def read(self):
        self.call("GET", next(self.lessons), name="lesson page (capacity)", expect=OK_GET)


class PageRush(Browser):
    """Capacity of the reference: the plain Wagtail page, signed in, without pausing."""

    wait_time = constant(0)

    def on_start(self):
        super().on_start()
        self.login(next(rush_sessions))

    @task
    def read(self):
        self.call("GET", PLAN["plain_url"], name="plain Wagtail page (capacity)", expect=OK_GET)
