"""Errors a learner's action can run into; views and the API turn them into 4xx answers."""

from accounts.errors import DomainError


class LearningError(DomainError):
    pass


class NotFound(LearningError):
    status = 404
    code = "not_found"


class Conflict(LearningError):
    status = 409
    code = "conflict"


class NotAllowed(LearningError):
    status = 403
    code = "not_allowed"
