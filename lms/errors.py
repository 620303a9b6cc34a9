"""Refusals of a learner's action that are only the learning app's; the kinds every app shares
(NotFound, Forbidden, Conflict) are in accounts.errors."""

from accounts.errors import DomainError


class LearningError(DomainError):
    pass
