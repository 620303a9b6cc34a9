"""The HTML of one question or scenario on the lesson page, rendered once and shared.

What a question looks like depends on the question as the learner may see it, their answer and
its feedback, the language and the course's content language, but not on who the learner is,
except for two values: the attempt id in the form's address and the CSRF token. Those two are
rendered as placeholders and filled in for each request, so learners on the same course
revision reuse one render (the templates were most of a lesson page's CPU time).

The cache key is a digest of everything the template reads, so an entry can never be stale and
nothing has to be invalidated when an editor publishes: a changed question has another key. A
question with form errors (it shows what the learner posted) is rendered every time.
"""

import hashlib
import json
import uuid
from typing import Any

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import Answer

#: Stands in for the attempt's public id in a shared render (a version-4 UUID no attempt gets:
#: uuid4 never yields this many zero bits).
ATTEMPT_PLACEHOLDER = uuid.UUID("00000000-0000-4000-8000-000000000000")
CSRF_PLACEHOLDER = "lmsfragmentcsrftokenplaceholder"
TEMPLATES = {"question": "lms/includes/question.html", "scenario": "lms/includes/scenario.html"}
#: Bump when a template changes meaning without changing its name (a deploy restarts the
#: processes, so only a shared cache backend would keep old entries).
VERSION = 1


def _json_default(value: Any) -> Any:
    if isinstance(value, Answer):
        return [value.question_id, value.response, value.is_correct]
    return str(value)


def _key(item: dict[str, Any], *, template: str, content_lang: str, foreign: bool) -> str:
    data = {k: v for k, v in item.items() if k not in ("attempt", "html")}
    material = json.dumps(
        [VERSION, template, get_language(), content_lang, foreign, data],
        sort_keys=True,
        default=_json_default,
    )
    return "lms-item:" + hashlib.sha256(material.encode()).hexdigest()


def _render(item, *, template: str, content_lang: str, foreign: bool, csrf_token: str) -> str:
    return render_to_string(
        template,
        {
            "item": item,
            "content_lang": content_lang,
            "foreign": foreign,
            "csrf_token": csrf_token,
        },
    )


def render_items(request, items: list[dict], *, content_lang: str, foreign: bool) -> None:
    """Set `html` on each question and scenario item of `items` (a lesson's, in order)."""
    cache = caches["fragments"]
    pending: dict[str, list[dict]] = {}
    for item in items:
        template = TEMPLATES.get(item["kind"])
        if template is None:
            continue
        if item.get("errors"):
            item["html"] = _render(
                item,
                template=template,
                content_lang=content_lang,
                foreign=foreign,
                csrf_token=get_token(request),
            )
            continue
        key = _key(item, template=template, content_lang=content_lang, foreign=foreign)
        pending.setdefault(key, []).append(item)
    if not pending:
        return
    found = cache.get_many(list(pending))
    missing = {}
    for key, group in pending.items():
        if key not in found:
            shared = {**group[0], "attempt": {"public_id": ATTEMPT_PLACEHOLDER}}
            found[key] = missing[key] = _render(
                shared,
                template=TEMPLATES[shared["kind"]],
                content_lang=content_lang,
                foreign=foreign,
                csrf_token=CSRF_PLACEHOLDER,
            )
    if missing:
        cache.set_many(missing, timeout=None)
    token = get_token(request)
    for key, group in pending.items():
        for item in group:
            html = (
                found[key]
                .replace(str(ATTEMPT_PLACEHOLDER), str(item["attempt"].public_id))
                .replace(CSRF_PLACEHOLDER, token)
            )
            # Escaped by the template engine; the two values put in are a UUID and a token.
            item["html"] = mark_safe(html)
