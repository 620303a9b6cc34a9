"""Completions as xAPI 1.0.3 statements, for a learning record store (`GET /api/v1/me/xapi`
in `lms.api.xapi` pages over them).

An e-learning pass is "passed" a course with its score and attempt. A training on location
(source "training", ADR 0017) is "attended" a meeting, built from the completion's own fields
(its format's key and the title it was completed under): lms needs nothing from trainings,
which sits above it in the layering."""

import uuid
from typing import Any

from django.conf import settings

from accounts.mail import person_language

#: Namespace for xAPI statement ids: the same completion always yields the same statement id, so
#: a learning record store that ingests the export twice keeps one statement.
XAPI_NAMESPACE = uuid.UUID("0f8d6b7e-6a52-4d1e-9a43-2f1c3e7b9d10")
XAPI_VERSION = "1.0.3"


def _duration(seconds: float) -> str:
    return f"PT{max(0, round(seconds))}S"


def _actor(user) -> dict[str, Any]:
    actor: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": str(user.pk)},
    }
    if user.full_name:
        actor["name"] = user.full_name
    return actor


def _statement_id(completion) -> str:
    return str(uuid.uuid5(XAPI_NAMESPACE, f"completion:{completion.pk}"))


def xapi_statement(completion) -> dict[str, Any]:
    """One completion as an xAPI 1.0.3 statement: an e-learning pass (verb 'passed', result
    with scaled score) or a training on location (verb 'attended', see training_statement)."""
    if completion.course_id is None:
        return training_statement(completion)
    course, user, attempt = completion.course, completion.user, completion.attempt
    language = course.locale.language_code
    activity_id = f"{settings.SITE_URL}/xapi/activities/course/{completion.course_key}"
    definition: dict[str, Any] = {
        "name": {language: course.title},
        "description": {language: course.summary},
        "type": "http://adlnet.gov/expapi/activities/course",
    }
    if course.full_url:
        definition["moreInfo"] = course.full_url
    result: dict[str, Any] = {
        "score": {
            "scaled": float(completion.score / 100),
            "raw": float(completion.score),
            "min": 0,
            "max": 100,
        },
        "success": True,
        "completion": True,
    }
    if attempt.submitted_at:
        result["duration"] = _duration((attempt.submitted_at - attempt.started_at).total_seconds())
    return {
        "id": _statement_id(completion),
        "actor": _actor(user),
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/passed",
            "display": {"en-US": "passed", "nl-NL": "geslaagd"},
        },
        "object": {"objectType": "Activity", "id": activity_id, "definition": definition},
        "result": result,
        "context": {
            "registration": str(attempt.public_id),
            "platform": "Samen tegen mensenhandel",
            "language": language,
        },
        "timestamp": completion.completed_at.isoformat(),
        "version": XAPI_VERSION,
    }


def training_statement(completion) -> dict[str, Any]:
    """A completed training on location: the person attended the meeting in full (ADL verb
    'attended', activity type 'meeting'); there is no score, attempt or duration to report.
    The title was stored in the person's language when it was completed, so the language map
    is keyed by that language."""
    user = completion.user
    language = person_language(user)
    return {
        "id": _statement_id(completion),
        "actor": _actor(user),
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attended",
            "display": {"en-US": "attended", "nl-NL": "bijgewoond"},
        },
        "object": {
            "objectType": "Activity",
            "id": f"{settings.SITE_URL}/xapi/activities/training/{completion.course_key}",
            "definition": {
                "name": {language: completion.title},
                "type": "http://adlnet.gov/expapi/activities/meeting",
            },
        },
        "result": {"success": True, "completion": True},
        "context": {"platform": "Samen tegen mensenhandel", "language": language},
        "timestamp": completion.completed_at.isoformat(),
        "version": XAPI_VERSION,
    }
