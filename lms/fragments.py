"""Rendered once and shared: a question or scenario on the lesson page, and the lesson page itself.

What a question looks like depends on the question as the learner may see it, their answer and
its feedback, the language and the course's content language, but not on who the learner is,
except for two values: the attempt id in the form's address and the CSRF token. Those two are
rendered as placeholders and filled in for each request, so learners on the same course
revision reuse one render (the templates were most of a lesson page's CPU time).

The cache key is a digest of everything the template reads, so an entry can never be stale and
nothing has to be invalidated when an editor publishes: a changed question has another key. A
question with form errors (it shows what the learner posted) is rendered every time.

The whole lesson page follows the same rule (`shared_page`): the view hands over everything the
page shows as the key's material and the values that belong to the request alone; the layout's
own request-dependent parts come from `settings.SHARED_PAGE_VARY`. Page entries expire after
`PAGE_TIMEOUT`, since an image or document replaced in the library keeps its id.
"""

import functools
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.module_loading import import_string
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


def render_items(
    request, items: list[dict], *, content_lang: str, foreign: bool, token: str | None = None
) -> None:
    """Set `html` on each question and scenario item of `items` (a lesson's, in order); forms get
    CSRF token `token` (a new one when not given)."""
    cache = caches["fragments"]
    token = token or get_token(request)
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
                csrf_token=token,
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
    for key, group in pending.items():
        for item in group:
            html = (
                found[key]
                .replace(str(ATTEMPT_PLACEHOLDER), str(item["attempt"].public_id))
                .replace(CSRF_PLACEHOLDER, token)
            )
            # Escaped by the template engine; the two values put in are a UUID and a token.
            item["html"] = mark_safe(html)


#: How long a shared page stays: its key covers the page's rows, but not files behind them (an
#: image an editor replaced in the library keeps its id).
PAGE_TIMEOUT = 300
_PERSONAL = re.compile(r"[A-Za-z0-9:_-]{16,}")


def _marker(name: str) -> str:
    return f"lmspagepersonal{name}placeholder"


def _shows_who(user, html: str) -> bool:
    """Whether `html` holds the person's e-mail address or name: a guard against a template
    change that starts showing them on a shared page (then the page is not shared)."""
    names = (getattr(user, "email", ""), user.get_full_name() if user.is_authenticated else "")
    return any(len(name) >= 3 and escape(name) in html for name in names)


@functools.cache
def _page_vary() -> list[Callable]:
    return [import_string(path) for path in settings.SHARED_PAGE_VARY]


def shared_page(
    request, *, material: list, render: Callable[[], str], personal: dict[str, str]
) -> str:
    """The HTML `render()` returns, shared between requests with the same `material`.

    `material` is everything the page shows apart from `personal`: the values that belong to
    this request only (the attempt id, the CSRF token, a signed timestamp). The shared copy holds
    a marker in their place, and each request gets its own values back. A value is put in as is,
    so only values that HTML escaping leaves unchanged are accepted; anything else renders the
    page for this request alone. What the site's layout shows around every page comes into the
    key from `settings.SHARED_PAGE_VARY` (the language, address and messages are added here): a
    page with messages is never shared."""
    if not all(_PERSONAL.fullmatch(value) for value in personal.values()) or len(
        messages.get_messages(request)
    ):
        return render()
    material = [
        get_language(),
        request.get_full_path(),
        [vary(request) for vary in _page_vary()],
        material,
    ]
    cache = caches["fragments"]
    digest = hashlib.sha256(
        json.dumps([VERSION, material], sort_keys=True, default=_json_default).encode()
    ).hexdigest()
    key = f"lms-page:{digest}"
    shared = cache.get(key)
    if shared is None:
        html = render()
        if _shows_who(request.user, html):
            return html  # a template showed the person: never hand this to anyone else
        shared = html
        for name, value in personal.items():
            shared = shared.replace(value, _marker(name))
        cache.set(key, shared, timeout=PAGE_TIMEOUT)
        return html
    for name, value in personal.items():
        shared = shared.replace(_marker(name), value)
    return shared
