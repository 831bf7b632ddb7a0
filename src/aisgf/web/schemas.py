"""The problem document (RFC 9457) every API error is sent as, typed once for the OpenAPI document.

Why here: the app's error handlers (`aisgf.web.app`) send one shape for every aisgf error, failed
validation, database conflict and HTTP error; each concern's router declares which of them a route
can answer with (`problems(404, 409)`), so a client reads the error bodies from the schema instead of
guessing. The fields are the ones the handlers actually send; the extensions some errors add
(`limit_bytes`, `locked_until`, `file`/`line`, …) are allowed beside them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from aisgf.errors import MAX_JSON_INT


def _json_integer(value: Any) -> Any:
    # A JSON Schema integer is a number without a fractional part (5 or 5.0), never "5" or true.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("an integer is a JSON number")
    return value


#: A number in a request body that names a row or a version: what the database can hold, given as a JSON
#: number (5 or 5.0; not "5" or true, which pydantic alone would read), so the document says what is taken.
BodyID = Annotated[int, Field(ge=0, le=MAX_JSON_INT), BeforeValidator(_json_integer)]


def _date_text(value: Any) -> Any:
    if not isinstance(value, str | date):
        raise ValueError("a date is a string YYYY-MM-DD")
    return value


#: A date in a JSON body: the string YYYY-MM-DD only (pydantic alone would also read 0 as 1970-01-01).
BodyDate = Annotated[date, BeforeValidator(_date_text)]
#: A `pattern` for text that must not be blank: some character that Python's `str.strip` keeps. Spelled
#: out (not `\S`), because Python, JSON Schema (ECMA-262) and pydantic's regex engine disagree on `\s`.
NOT_BLANK = r"[^\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
#: A `pattern` for one line of text that is not blank: no control characters (C0, DEL) anywhere.
ONE_LINE = (r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
            r"[^\x00-\x1f\x7f]*$")


class FieldError(BaseModel):
    """One failed check of the request (a 422 lists every one).

    Two kinds: a request that does not fit the document (`field`, `message`, `type`), and a request
    that fits but breaks a rule of the data, such as an intake answer the questionnaire does not
    accept (`where`, `message`, and `field` and `accepted` when known).
    """

    model_config = ConfigDict(extra="allow")

    message: str
    field: str | None = Field(default=None, description="dotted location, e.g. body.system.name, query.limit or "
                              "answers.sector")
    type: str | None = Field(default=None, description="the validator's error type, e.g. missing, "
                             "string_too_short")
    where: str | None = Field(default=None, description="where in the input, e.g. answers.sector or file.yaml:4")
    accepted: list[Any] | None = Field(default=None, description="the values that would be accepted")
    line: int | None = Field(default=None, description="the line, for a problem in a file")


class Problem(BaseModel):
    """An RFC 9457 problem document, sent with media type ``application/problem+json``."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI naming the kind of problem, e.g. https://aisgf.dev/problems/not-found")
    title: str
    status: int = Field(description="the HTTP status, repeated")
    detail: str = Field(description="what was wrong, for a person")
    where: str | None = Field(default=None, description="the field, file or object the problem is about")
    errors: list[FieldError] | None = Field(default=None, description="every failed check (422 only)")
    request_id: str | None = Field(default=None, description="500 only: the request's X-Request-ID, which the "
                                   "server logged with the error; quote it to the administrator")


class Health(BaseModel):
    """The server is up, which version it runs, and on which database dialect."""

    status: str = Field(description="ok")
    version: str
    database: str = Field(description="sqlite or postgresql")


_WHY = {
    400: "The request body could not be parsed (not JSON, broken multipart data)",
    401: "Not signed in: no, unknown, expired or revoked token",
    403: "Signed in, but this role may not do this",
    404: "No such object (or not visible to you)",
    409: "Conflict: the record changed since it was read, or the change breaks a rule of its lifecycle",
    413: "The upload is larger than the limit",
    415: "The file's type is not accepted as evidence",
    422: "Invalid input: the problem names the field",
    503: "The database is unavailable",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route or router: each status documented with the problem document.

    FastAPI files a response model under ``application/json``; the app's OpenAPI document moves every
    error body to ``application/problem+json``, the media type the handlers send (`problem_media_type`).
    """
    return {s: {"model": Problem, "description": _WHY[s]} for s in statuses}


def problem_media_type(schema: dict[str, Any]) -> None:
    """In an OpenAPI document, file every 4xx/5xx body under ``application/problem+json`` (RFC 9457)."""
    for ops in schema.get("paths", {}).values():
        for op in ops.values():
            for code, response in op.get("responses", {}).items():
                content = response.get("content", {})
                if code[0] in "45" and "application/json" in content:
                    content[PROBLEM] = content.pop("application/json")


PROBLEM = "application/problem+json"
