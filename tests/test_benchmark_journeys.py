"""The journeys benchmark's virtual learner (benchmarks/journeys_locust.py, run by Locust in its
own process as the benchmark runs it) walks a real module on the test server: every page answers
as expected, every answer it was told is stored is in the database, and it gets to its result.
Nothing here is timed: the figures live in benchmarks/journeys.py."""

import json
import os
import random
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from benchmarks import journeys
from lms.models import Attempt


@pytest.mark.django_db(transaction=True)
def test_a_virtual_learner_walks_a_seeded_module_to_its_result(live_server, tmp_path):
    # one real module (the hotel staff's, in Dutch), as the content loader ships it
    call_command(
        "load_courses",
        path=journeys.ROOT / "courses/content/hotelpersoneel-herken-seksuele-uitbuiting.nl.yaml",
        verbosity=0,
    )
    (course,) = journeys.courses_live()
    (learner,) = journeys.accounts_create("smoke", 1, "learner")
    (session,) = journeys.sessions_create([learner])
    plan = {
        "think_min": 0,
        "think_max": 0,
        "behind_proxy": False,  # the test server runs the test settings, without TLS proxy
        "quit_when_done": True,
        "plain_url": "/",
        "answer_key": journeys.answer_key(),
        "learners": [
            {
                "session": session,
                "skill": 1.0,
                "courses": journeys.module_orders([course], 1, random.Random(0))[0],
            }
        ],
        "readers": [],
        "rush_learners": [],
    }
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan))

    requests, answers = journeys.locust_run(
        files=tmp_path,
        name="smoke",
        classes=["Learner"],
        port=urlparse(live_server.url).port,
        users=1,
        spawn_rate=1,
        run_time="180s",
        env={**os.environ, "JOURNEYS_PLAN": str(plan_path)},
    )

    failed = [row for row in requests if row[3]]
    assert not failed, failed
    walked = {row[0] for row in requests}
    assert {"course page", "enrol", "lesson page", "answer", "lesson done", "submit"} <= walked
    assert {"result page", "certificates page"} <= walked
    assert answers, "the learner answered nothing"
    assert journeys.lost_answers(answers) == 0
    attempt = Attempt.objects.get(user=learner)
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.passed  # a learner who knows every answer passes
