"""Refusals of a manager's or member's action that are only this app's; the kinds every app
shares (NotFound, Forbidden, Conflict) are in accounts.errors."""

from accounts.errors import DomainError


class OrganisationError(DomainError):
    pass


class ImportRejected(OrganisationError):
    """A CSV file with at least one bad row: nothing was imported. `errors` lists every bad row."""

    status = 400
    code = "import_rejected"

    def __init__(self, message: str, *, errors: list[dict]):
        super().__init__(message, details={"errors": errors})
        self.errors = errors
