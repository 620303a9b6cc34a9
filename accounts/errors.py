"""The base of every app's domain errors (lms.errors, organisations.errors): a message safe to show
to the person, a stable code and the HTTP status views and the API answer with."""


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
