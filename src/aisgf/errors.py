"""One family of errors for the whole platform.

Why: a bad input must read the same from the CLI (a message and an exit code) and over HTTP (an
RFC 9457 problem document). Services raise these; the edges translate them, nothing else.
"""

from __future__ import annotations

from typing import Any


class AisgfError(Exception):
    """Base error: `message` says what was wrong, `where` says where (file:line, field, ID)."""

    status = 500
    exit_code = 1
    type_slug = "error"
    title = "Error"

    def __init__(self, message: str, *, where: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.extra = extra or {}

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def problem(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": f"https://aisgf.dev/problems/{self.type_slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.message,
        }
        if self.where:
            doc["where"] = self.where
        doc.update(self.extra)
        return doc


class InvalidInput(AisgfError):
    """The input (file, answer, field) is malformed or out of range."""

    status = 422
    exit_code = 2
    type_slug = "invalid-input"
    title = "Invalid input"


class NotFound(AisgfError):
    status = 404
    exit_code = 3
    type_slug = "not-found"
    title = "Not found"


class Conflict(AisgfError):
    """The request is valid but contradicts the current state (e.g. a stale lifecycle move)."""

    status = 409
    exit_code = 4
    type_slug = "conflict"
    title = "Conflict"


class Unauthorized(AisgfError):
    status = 401
    exit_code = 5
    type_slug = "unauthorized"
    title = "Unauthorized"


class Forbidden(AisgfError):
    status = 403
    exit_code = 5
    type_slug = "forbidden"
    title = "Forbidden"


class TooLarge(AisgfError):
    status = 413
    exit_code = 2
    type_slug = "too-large"
    title = "Payload too large"


class DatabaseUnavailable(AisgfError):
    """The database is locked, unreachable or not migrated."""

    status = 503
    exit_code = 6
    type_slug = "database-unavailable"
    title = "Database unavailable"


class IntegrityFailure(AisgfError):
    """The audit trail (or another integrity check) does not verify."""

    status = 409
    exit_code = 7
    type_slug = "integrity-failure"
    title = "Integrity check failed"


class CheckFailed(AisgfError):
    """A governance-as-code check found gaps (used by `aisgf check`)."""

    status = 409
    exit_code = 8
    type_slug = "check-failed"
    title = "Check failed"
