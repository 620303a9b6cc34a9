"""Completions as xAPI 1.0.3 statements, for a learning record store (`GET /api/v1/me/xapi`
in `lms.api.xapi` pages over them)."""

import uuid
from typing import Any

from django.conf import settings

#: Namespace for xAPI statement ids: the same completion always yields the same statement id, so
#: a learning record store that ingests the export twice keeps one statement.
XAPI_NAMESPACE = uuid.UUID("0f8d6b7e-6a52-4d1e-9a43-2f1c3e7b9d10")
XAPI_VERSION = "1.0.3"


def _duration(seconds: float) -> str:
    return f"PT{max(0, round(seconds))}S"


def xapi_statement(completion) -> dict[str, Any]:
    """One completion as an xAPI 1.0.3 statement (verb 'passed', result with scaled score)."""
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
    actor: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": str(user.pk)},
    }
    if user.full_name:
        actor["name"] = user.full_name
    return {
        "id": str(uuid.uuid5(XAPI_NAMESPACE, f"completion:{completion.pk}")),
        "actor": actor,
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
