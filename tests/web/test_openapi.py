"""The OpenAPI document describes every response: a typed 2xx body for each route, problem documents
for the errors, and the problem documents the app really sends match the schema it publishes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

import aisgf.web
from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.db import Database
from aisgf.web.app import create_app
from aisgf.web.schemas import Problem
from tests.web.helpers import make_user


@pytest.fixture
def app(sqlite_db: Database) -> FastAPI:
    return create_app(sqlite_db.settings, sqlite_db)


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _typed(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A schema that says what is inside: not `{}`, not a bare open object (`dict[str, Any]`)."""
    schema = _resolve(doc, schema)
    if "anyOf" in schema or "oneOf" in schema:
        return all(_typed(doc, s) for s in schema.get("anyOf", schema.get("oneOf")))
    if schema.get("type") == "array":
        return _typed(doc, schema.get("items", {}))
    if schema.get("type") == "object":
        return bool(schema.get("properties"))
    return schema.get("type") == "string" and schema.get("format") == "binary"  # a file download


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def test_every_api_route_is_in_the_document(app: FastAPI) -> None:
    """The route table (policy.yaml lists every route, failing closed) and the document agree on /api/."""
    policy = yaml.safe_load((Path(aisgf.web.__file__).parent / "policy.yaml").read_text(encoding="utf-8"))
    listed = {tuple(k.split(" ", 1)) for section in policy.values() if isinstance(section, dict)
              for k in section if re.match(r"^[A-Z]+ /api/", k)}
    documented = {(m.upper(), p) for p, m, _ in _operations(app.openapi())}
    assert len(listed) >= 25 and listed == documented


def test_every_route_declares_a_typed_success_body(app: FastAPI) -> None:
    doc = app.openapi()
    untyped = []
    for path, method, op in _operations(doc):
        ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        bodies = [c["schema"] for r in ok.values() for c in r.get("content", {}).values() if "schema" in c]
        if not bodies or not all(_typed(doc, b) for b in bodies):
            untyped.append(f"{method.upper()} {path}: {bodies}")
    assert not untyped, "routes whose success body the document does not describe:\n" + "\n".join(untyped)


def test_the_check_catches_an_untyped_route() -> None:
    # The property above must be able to fail: a route returning dict[str, Any] is caught.
    probe = FastAPI()

    @probe.get("/loose")
    def loose() -> dict[str, Any]:
        return {}

    @probe.get("/bare")
    def bare():  # type: ignore[no-untyped-def]
        return {}

    doc = probe.openapi()
    for path in ("/loose", "/bare"):
        schema = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert not _typed(doc, schema), path


def test_error_responses_are_problem_documents(app: FastAPI) -> None:
    doc = app.openapi()
    for path, method, op in _operations(doc):
        if path == "/api/health":
            continue
        errors = {code: r for code, r in op["responses"].items() if code[0] in "45"}
        assert {"401", "403", "503"} <= set(errors), f"{method.upper()} {path}"
        if "{" in path:
            assert "404" in errors, f"{method.upper()} {path} names an object but documents no 404"
        for code, r in errors.items():
            assert r["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}, (
                f"{method.upper()} {path} {code}")


def test_the_problems_sent_match_the_published_schema(app: FastAPI, sqlite_db: Database) -> None:
    """404, 422 (with every failed field), 401: each body validates as a Problem and keeps its extras."""
    make_user(sqlite_db, "gina", "governance_lead")
    with sqlite_db.session() as s:
        token = acc.create_token(s, acc.get_user(s, "gina"), name="ci", by=system_principal("test"))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        bodies = [c.get("/api/catalog/items/9.9.9"), c.get("/api/catalog/items", params={"limit": 0}),
                  c.get("/api/systems", headers={"Authorization": "Bearer nope"})]
    statuses = [r.status_code for r in bodies]
    assert statuses == [404, 422, 401], [r.text for r in bodies]
    for r in bodies:
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = Problem.model_validate(r.json())
        assert problem.status == r.status_code and problem.type.startswith("https://aisgf.dev/problems/")
    invalid = Problem.model_validate(bodies[1].json())
    assert invalid.errors and invalid.errors[0].field == "query.limit"
