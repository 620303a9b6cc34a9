"""Errors of registration and attendance; views and the API answer them with their 4xx status."""

from accounts.errors import DomainError


class TrainingError(DomainError):
    pass
