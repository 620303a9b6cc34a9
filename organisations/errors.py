"""Errors a manager's or member's action can run into; views and the API turn them into 4xx."""

from accounts.errors import DomainError


class OrganisationError(DomainError):
    pass


class NotFound(OrganisationError):
    status = 404
    code = "not_found"


class Forbidden(OrganisationError):
    """The person may see the organisation but not change it (programme staff)."""

    status = 403
    code = "forbidden"


class Conflict(OrganisationError):
    status = 409
    code = "conflict"


class ImportRejected(OrganisationError):
    """A CSV file with at least one bad row: nothing was imported. `errors` lists every bad row."""

    status = 400
    code = "import_rejected"

    def __init__(self, message: str, *, errors: list[dict]):
        super().__init__(message, details={"errors": errors})
        self.errors = errors
