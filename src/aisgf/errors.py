"""One family of errors for the whole platform.

Why: a bad input must read the same from the CLI (a message and an exit code) and over HTTP (an
RFC 9457 problem document). Services raise these; the edges translate them, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

# Message ID → English template with `{name}` placeholders, filled by each module through
# `register_messages`. Pages translate an error by its ID (the gettext catalog holds the ID as msgid),
# while the CLI, the API and the logs keep the English text formatted from the same template.
MESSAGES: dict[str, str] = {}

# The exit code of every "the check ran and found a failure" outcome (`aisgf check`, `aisgf screen
# verdicts`, `aisgf label detect --strict`, an `aisgf label embed` batch with a failed file), apart
# from 1, which a crash also gives, so a CI gate never mistakes a crash for a failing verdict.
EXIT_CHECK_FAILED = 8


def register_messages(table: Mapping[str, str]) -> dict[str, str]:
    """Add a module's message templates to `MESSAGES`; an ID names one text only."""
    for code, template in table.items():
        if MESSAGES.get(code, template) != template:
            raise ValueError(f"message ID {code!r} is registered twice with different text")
        MESSAGES[code] = template
    return dict(table)


def format_message(template: str, params: Mapping[str, Any]) -> str:
    """Fill a template; list values read as "a, b, c" (pages join them in their own language)."""
    return template.format(**{k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
                              for k, v in params.items()})


#: The largest row ID, offset or version a database column holds (a signed 64-bit integer): a bigger number
#: from a path, a query, a form or a body is refused as invalid input instead of overflowing the driver.
MAX_ID = 2**63 - 1
#: The largest number the web side (API and pages) takes for an ID, offset or version: 2^53 - 1, the
#: largest integer every JSON reader holds exactly (RFC 7493 §2.2; JavaScript's MAX_SAFE_INTEGER). Far
#: below `MAX_ID`, and a bound that JSON Schema validators, which compare numbers as doubles, can check.
MAX_JSON_INT = 2**53 - 1
#: The most rows one page of a list answers with.
MAX_PAGE = 500

register_messages({
    "input.out_of_range": "{field} must be a whole number from {low} to {high}, got {value}",
})


def check_range(value: int, field: str, *, low: int = 0, high: int = MAX_ID) -> int:
    """`value` if ``low <= value <= high``, else an `InvalidInput` (422) naming `field`.

    Why here: services take IDs, offsets and limits from the API, the pages and the CLI alike, and a
    number the database cannot hold must read as the caller's mistake, never as a crash.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "..."
        raise InvalidInput.coded("input.out_of_range", where=field, field=field, low=low, high=high, value=shown)
    return value


def problem_document(status: int, title: str, detail: str, slug: str,
                     extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The one builder of RFC 9457 problem documents (the API's error bodies, the pages' problems).

    `slug` names the problem type under https://aisgf.dev/problems/; `extra` members (`where`,
    `errors`, ...) follow the four standard ones in the order given.
    """
    doc: dict[str, Any] = {"type": f"https://aisgf.dev/problems/{slug}", "title": title, "status": status,
                           "detail": detail}
    doc.update(extra or {})
    return doc


class AisgfError(Exception):
    """Base error: `message` says what was wrong, `where` says where (file:line, field, ID).

    `code` (optional) is a stable message ID from `MESSAGES` and `params` its dynamic parts, so a page
    can show the error in the reader's language; `message` stays the English text.
    """

    status = 500
    exit_code = 1
    type_slug = "error"
    title = "Error"

    def __init__(self, message: str, *, where: str | None = None, extra: dict[str, Any] | None = None,
                 code: str | None = None, params: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.extra = extra or {}
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        # For errors that carry several problems (extra["errors"]): (code, params) per problem, same order.
        self.problem_codes: list[tuple[str, dict[str, Any]] | None] = []

    @classmethod
    def coded(cls, code: str, *, where: str | None = None, extra: dict[str, Any] | None = None,
              **params: Any) -> Self:
        """The error for message ID `code`, its English text formatted from the registered template."""
        return cls(format_message(MESSAGES[code], params), where=where, extra=extra, code=code, params=params)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def problem(self) -> dict[str, Any]:
        where = {"where": self.where} if self.where else {}
        return problem_document(self.status, self.title, self.message, self.type_slug, {**where, **self.extra})


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
    """A check ran and found a failure (`aisgf check`'s gaps, a failing verdict): `EXIT_CHECK_FAILED`."""

    status = 409
    exit_code = EXIT_CHECK_FAILED
    type_slug = "check-failed"
    title = "Check failed"


class MissingExtra(AisgfError):
    """A command needs libraries of an extra that is not installed (`pip install 'aisgf[screening]'`)."""

    status = 501
    exit_code = 9
    type_slug = "missing-extra"
    title = "Feature not installed"

