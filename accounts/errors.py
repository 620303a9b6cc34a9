"""Every app's refusals: a message safe to show to the person, a stable code and the HTTP status
that views and the API answer with (ADR 0021). The kinds every app raises (not found, not
allowed, a conflict with the current state) live here, once; an app adds its own base class
(lms.errors.LearningError, organisations.errors.OrganisationError, trainings.errors.TrainingError)
for refusals that are only its own. Views catch `DomainError`; the API answers every one with
one body (config/api_errors.py, docs/api.md "Errors")."""


class DomainError(Exception):
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


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The person may not do this (they may be allowed to see the object)."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"
