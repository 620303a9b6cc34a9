"""What the lesson page shares between learners: markup that holds nothing of a learner.

`lesson_body` keeps a lesson's body per live revision and interface language (content blocks
rendered, question blocks as ids filled from the learner's attempt on every request);
`question_digest` keys an unanswered question's choices for `{% cache %}` in
`question_choices.html`. Both live in the per-process `fragments` cache; the keys, and why a
body entry expires after `BODY_SECONDS`, are ADR 0014."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from courses.blocks import QUESTION_TYPES

#: Bump when a template changes meaning without changing its name (a deploy restarts the
#: processes, so only a shared cache backend would keep old entries).
VERSION = 2
#: How long a rendered lesson body is kept (see the module's docstring).
BODY_SECONDS = 600


@dataclass(frozen=True)
class Segment:
    """A piece of a lesson's body: rendered content (`html`) or a question block (`question`,
    its block id)."""

    html: SafeString | None = None
    question: str | None = None


def _render_block(block, *, lesson, content_lang: str, foreign: bool) -> str:
    return block.render(
        context={
            "page": lesson,
            "block": block,
            "content_lang": content_lang,
            "foreign": foreign,
        }
    )


def _segments(lesson, *, content_lang: str, foreign: bool) -> list[Segment]:
    segments: list[Segment] = []
    html: list[str] = []
    for block in lesson.body:
        if block.block_type in QUESTION_TYPES:
            if html:
                segments.append(Segment(html=mark_safe("".join(html))))
                html = []
            segments.append(Segment(question=block.id))
        else:
            # Rendered by the blocks' own (autoescaping) templates.
            html.append(
                str(_render_block(block, lesson=lesson, content_lang=content_lang, foreign=foreign))
            )
    if html:
        segments.append(Segment(html=mark_safe("".join(html))))
    return segments


def lesson_body(lesson, *, content_lang: str, foreign: bool) -> list[Segment]:
    """The lesson's body as segments, rendered once per live revision and language. The lesson
    may come with its body deferred: it is loaded only when the body is not kept."""
    key = f"lms:body:{VERSION}:{lesson.pk}:{lesson.live_revision_id}:{get_language()}:{foreign}"
    cache = caches["fragments"]
    segments = cache.get(key)
    if segments is None:
        segments = _segments(lesson, content_lang=content_lang, foreign=foreign)
        cache.set(key, segments, timeout=BODY_SECONDS)
    return segments


def question_digest(question: dict[str, Any], *, content_lang: str, foreign: bool) -> str:
    """A digest of everything `question_choices.html` shows of a question as the learner may see
    it (no correctness, options in this attempt's order): the `{% cache %}` key's material."""
    material = json.dumps(
        [VERSION, get_language(), content_lang, foreign, question], sort_keys=True, default=str
    )
    return hashlib.sha256(material.encode()).hexdigest()
