"""Registry of learner-context providers for course pages. `lms` registers what the learner did
with a course (enrolment, progress, attempts) so the course page can show it without `courses`
importing `lms` (ADR 0004: information flows leftward through signals or small registries)."""

from collections.abc import Callable
from typing import Any

Provider = Callable[..., dict[str, Any]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """`provider(*, request, course)` returns extra template context for a course page."""
    _providers[name] = provider


def context_for(*, request, course) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _providers.values():
        context.update(provider(request=request, course=course))
    return context
