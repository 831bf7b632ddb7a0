"""The problem document (RFC 9457) every API error is sent as, typed once for the OpenAPI document.

Why here: the app's error handlers (`aisgf.web.app`) send one shape for every aisgf error, failed
validation, database conflict and HTTP error; each concern's router declares which of them a route
can answer with (`problems(404, 409)`), so a client reads the error bodies from the schema instead of
guessing. The fields are the ones the handlers actually send; the extensions some errors add
(`limit_bytes`, `locked_until`, `file`/`line`, …) are allowed beside them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    """One failed check of the request (a 422 lists every one)."""

    field: str = Field(description="dotted location, e.g. body.system.name or query.limit")
    message: str
    type: str = Field(description="the validator's error type, e.g. missing, string_too_short")


class Problem(BaseModel):
    """An RFC 9457 problem document, sent with media type ``application/problem+json``."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI naming the kind of problem, e.g. https://aisgf.dev/problems/not-found")
    title: str
    status: int = Field(description="the HTTP status, repeated")
    detail: str = Field(description="what was wrong, for a person")
    where: str | None = Field(default=None, description="the field, file or object the problem is about")
    errors: list[FieldError] | None = Field(default=None, description="every failed check (422 only)")


class Health(BaseModel):
    """The server is up, which version it runs, and on which database dialect."""

    status: str = Field(description="ok")
    version: str
    database: str = Field(description="sqlite or postgresql")


_WHY = {
    401: "Not signed in: no, unknown, expired or revoked token",
    403: "Signed in, but this role may not do this",
    404: "No such object (or not visible to you)",
    409: "Conflict: the record changed since it was read, or the change breaks a rule of its lifecycle",
    413: "The upload is larger than the limit",
    422: "Invalid input: the problem names the field",
    503: "The database is unavailable",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route or router: each status documented with the problem document."""
    return {s: {"model": Problem, "description": _WHY[s] + " (application/problem+json)"} for s in statuses}
