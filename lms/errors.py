"""Errors a learner's action can run into; views and the API turn them into 4xx answers."""


class LearningError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        details: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details or {}


class NotFound(LearningError):
    status = 404
    code = "not_found"


class Conflict(LearningError):
    status = 409
    code = "conflict"


class NotAllowed(LearningError):
    status = 403
    code = "not_allowed"
