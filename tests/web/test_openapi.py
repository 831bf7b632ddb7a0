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
        if "requestBody" in op:
            assert "400" in errors and "422" in errors, f"{method.upper()} {path} takes a body"
        for code, r in errors.items():
            assert r["content"] == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}, (
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


def test_the_bearer_scheme_is_documented_on_every_route_that_needs_a_token(app: FastAPI) -> None:
    """/docs has an Authorize button; a client reads from the document how to authenticate."""
    doc = app.openapi()
    assert doc["components"]["securitySchemes"] == {"bearerToken": {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearerToken"][
            "description"]}}
    for path, method, op in _operations(doc):
        expected = [] if path == "/api/health" else [{"bearerToken": []}]
        assert op.get("security", []) == expected, f"{method.upper()} {path}"


def test_evidence_content_and_upload_are_described_as_files(app: FastAPI) -> None:
    doc = app.openapi()
    content = doc["paths"]["/api/evidence/{evidence_id}/content"]["get"]["responses"]["200"]["content"]
    assert content == {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    upload = doc["paths"]["/api/systems/{ref}/evidence"]["post"]
    assert {"404", "413", "415", "400", "422"} <= set(upload["responses"])
    form = upload["requestBody"]["content"]["multipart/form-data"]
    body = _resolve(doc, form["schema"])
    assert body["properties"]["file"] == {"type": "string", "format": "binary",
                                          "description": body["properties"]["file"]["description"]}
    assert body["oneOf"] == [{"required": ["file"]}, {"required": ["uri"]}]
    assert body["properties"]["uri"]["pattern"].startswith("^[hH][tT][tT][pP]")
    assert "application/pdf" in form["encoding"]["file"]["contentType"]


def _example(prop: dict[str, Any]) -> Any:
    """A value for an answer, read from its schema alone (the first option, false, no roles)."""
    if "anyOf" in prop:
        return None  # optional: its default applies
    if prop["type"] == "boolean":
        return False
    if prop["type"] == "array":
        return []
    return prop["enum"][0] if "enum" in prop else "text"


def test_answers_are_described_by_the_questionnaire_so_a_client_can_register_from_the_document(
        app: FastAPI, sqlite_db: Database) -> None:
    from aisgf.intake import load_questionnaire

    doc = app.openapi()
    answers = doc["components"]["schemas"]["Answers"]
    for model in ("SystemIn", "ReassessIn", "AssessIn"):
        assert doc["components"]["schemas"][model]["properties"]["answers"] == {"$ref": "#/components/schemas/Answers"}
    q = load_questionnaire()
    assert list(answers["properties"]) == q.ids and answers["additionalProperties"] is False
    assert answers["required"] == [x.id for x in q.questions if x.required]
    sector = answers["properties"]["sector"]
    assert set(sector["enum"]) == {*q.get("sector").option_values, "critical_infrastructure"}  # legacy still taken
    roles = answers["properties"]["org_roles"]
    assert roles["items"]["enum"] == q.get("org_roles").option_values

    built = {qid: _example(prop) for qid, prop in answers["properties"].items()}
    make_user(sqlite_db, "gina", "governance_lead")
    with sqlite_db.session() as s:
        token = acc.create_token(s, acc.get_user(s, "gina"), name="ci", by=system_principal("test"))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        r = c.post("/api/systems", json={"system": {"name": "From the document", "owner": "gina"}, "answers": built})
        assert r.status_code == 201, r.text
        # What the document refuses, the server refuses: an unknown question, a missing required one.
        r = c.post("/api/assess", json={"answers": {**built, "not_a_question": True}})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "answers.not_a_question"
        missing = {k: v for k, v in built.items() if k != answers["required"][0]}
        assert c.post("/api/assess", json={"answers": missing}).status_code == 422
