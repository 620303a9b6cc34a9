"""The benchmarks' own course data: a course written as a content file (courses/content/SCHEMA.md)
and loaded with the production content loader, so a benchmark measures pages built the way real
courses are, and does not depend on the test suite's factories (tests/factories.py may change
for a test's convenience without moving a benchmark's figures)."""

import tempfile
import uuid
from pathlib import Path


def _question(key: str, n: int) -> dict:
    return {
        "type": "single_choice",
        "key": f"{key}-{n}",
        "question": f"Vraag {n}",
        "options": [
            {"text": "goed", "correct": True, "feedback": "Juist."},
            {"text": "fout", "correct": False, "feedback": "Onjuist."},
        ],
        "explanation": "<p>Uitleg.</p>",
    }


def _scenario() -> dict:
    def option(text: str, recommended: bool, nxt: str | None) -> dict:
        return {"text": text, "recommended": recommended, "feedback": "Gevolg.", "next": nxt}

    return {
        "type": "scenario",
        "key": "casus",
        "title": "Casus",
        "intro": "<p>De situatie.</p>",
        "start": "s1",
        "scenes": [
            {
                "key": "s1",
                "text": "<p>Een.</p>",
                "options": [option("praten", True, "s2"), option("negeren", False, None)],
            },
            {
                "key": "s2",
                "text": "<p>Twee.</p>",
                "options": [option("melden", True, None), option("wachten", False, None)],
            },
        ],
    }


def _lesson(key: str, title: str, questions: int, *, scenario: bool = False) -> dict:
    body = [{"type": "text", "text": "<p>Tekst.</p>"}]
    body += [_question(key, n) for n in range(questions)]
    if scenario:
        body.append(_scenario())
    return {"key": key, "title": title, "minutes": 5, "body": body}


def course_load(
    *,
    title: str,
    storylines: bool = False,
    questions_per_lesson: int = 2,
    validity_months: int | None = 24,
):
    """A new published Dutch course (unique slug) with an introduction lesson holding
    `questions_per_lesson` single-choice questions (right option 'goed') and a scenario, and
    with `storylines` two storylines of one such lesson each. Returns the CoursePage."""
    import yaml
    from django.db import transaction

    from courses.content_loader import courses_load
    from courses.models import CoursePage

    slug = f"benchmark-{uuid.uuid4().hex[:12]}"
    spec: dict = {
        "slug": slug,
        "locale": "nl",
        "title": title,
        "summary": "Benchmarkmodule.",
        "audience": "professionals_children",
        "pass_mark": 70,
        "validity_months": validity_months,
        "learning_objectives": ["Je meet de snelheid."],
        "sources": "- benchmarkgegevens, geen inhoud",
        "lessons": [_lesson("introductie", "Introductie", questions_per_lesson, scenario=True)],
    }
    if storylines:
        spec["storyline_prompt"] = "Kies een verhaallijn"
        spec["storylines"] = [
            {
                "key": key,
                "title": name,
                "summary": f"<p>{name}.</p>",
                "lessons": [_lesson(f"{key}-les", f"{name} les", questions_per_lesson)],
            }
            for key, name in (
                ("seksuele-uitbuiting", "Seksuele uitbuiting"),
                ("criminele-uitbuiting", "Criminele uitbuiting"),
            )
        ]
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, f"{slug}.nl.yaml").write_text(
            yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8"
        )
        with transaction.atomic():
            courses_load(path=Path(folder))
    return CoursePage.objects.get(slug=slug, locale__language_code="nl")


def answers_right(attempt) -> None:
    """Answer every graded question of `attempt` with its right option through the lms
    services, as a learner who knows the answers would (the snapshot holds them server-side)."""
    from lms import services

    for question in attempt.graded_questions:
        right = [o["id"] for o in question["options"] if o["correct"]][:1]
        services.answer_submit(
            attempt=attempt, question_id=question["id"], response={"option_ids": right}
        )
