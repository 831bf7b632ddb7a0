"""Nothing crashes the server: numbers out of range, unexpected exceptions, evidence links, search text.

Every integer a path, a query or a body carries is bounded, and out of range is a 422 problem naming the
field, through the API, the pages and the services the CLI calls; an exception no handler knows is a 500
problem with a request ID that the log has too; a problem keeps its exception's headers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.audit.service import list_events
from aisgf.catalog import load_catalog
from aisgf.catalog.service import search
from aisgf.db import Database
from aisgf.errors import MAX_ID, MAX_JSON_INT, InvalidInput, NotFound
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.web.app import create_app
from tests.answers import LOW
from tests.web.helpers import Person

BIG = 2**63  # one more than a database integer holds
Api = tuple[TestClient, FastAPI, Database]


@pytest.fixture
def api(web: tuple[FastAPI, Database]) -> Iterator[Api]:
    app, db = web
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, "gina"), name="ci", by=system_principal("test"))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        yield c, app, db


def _problem(r: Any, status: int, field: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    doc: dict[str, Any] = r.json()
    assert doc["status"] == status and doc["where"] == field, doc
    return doc


@pytest.mark.parametrize(("url", "field"), [
    (f"/api/evidence/{BIG}", "path.evidence_id"),
    (f"/api/evidence/{BIG}/content", "path.evidence_id"),
    (f"/api/evidence/{MAX_JSON_INT + 1}", "path.evidence_id"),
    (f"/api/systems?offset={BIG}", "query.offset"),
    (f"/api/obligations?offset={BIG}", "query.offset"),
    (f"/api/audit/events?offset={BIG}", "query.offset"),
    (f"/api/catalog/items?offset={BIG}", "query.offset"),
    ("/api/systems?limit=501", "query.limit"),
    ("/api/systems?limit=0", "query.limit"),
    ("/api/evidence/-1", "path.evidence_id"),
])
def test_api_numbers_out_of_range_are_422_naming_the_field(api: Api, url: str, field: str) -> None:
    _problem(api[0].get(url), 422, field)


def test_the_largest_accepted_number_is_looked_up_and_a_long_digit_ref_is_a_key(api: Api) -> None:
    c = api[0]
    _problem(c.get(f"/api/evidence/{MAX_JSON_INT}"), 404, "evidence")
    assert c.get(f"/api/systems?offset={MAX_JSON_INT}").json()["items"] == []
    # A system reference is an ID or a key: a number too long for an ID can only be a key, and there is none.
    _problem(c.get(f"/api/systems/{'9' * 25}"), 404, "system")
    _problem(c.get(f"/api/systems/{BIG}"), 404, "system")


def test_body_numbers_are_bounded_and_must_be_numbers(api: Api) -> None:
    c = api[0]
    r = c.post("/api/systems", json={"system": {"name": "Bot", "owner": "olivia"}, "answers": LOW})
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    for bad in (BIG, -1, "1", True):
        _problem(c.post(f"/api/systems/{key}/status", json={"status": "retired", "expected_version": bad}), 422,
                 "body.expected_version")
    ob = c.get(f"/api/systems/{key}/obligations").json()["items"][0]
    _problem(c.patch(f"/api/obligations/{BIG}", json={"note": "x"}), 422, "path.obligation_id")
    _problem(c.patch(f"/api/obligations/{ob['id']}", json={"due_date": 0}), 422, "body.due_date")
    version = float(c.get(f"/api/systems/{key}").json()["version"])
    r = c.post(f"/api/systems/{key}/status", json={"status": "retired", "expected_version": version,
                                                         "reason": "replaced", "confirm": True})
    assert r.status_code == 200, r.text  # a JSON Schema integer may be written 1.0


def test_services_refuse_numbers_the_database_cannot_hold(sqlite_db: Database) -> None:
    """The CLI and the pages call these directly: out of range is the caller's mistake, never a crash."""
    with sqlite_db.session() as s:
        for call, field in [
            (lambda: svc.get_system(s, BIG), "system"),
            (lambda: svc.get_obligation(s, BIG), "obligation"),
            (lambda: svc.get_evidence(s, BIG), "evidence"),
            (lambda: svc.get_evidence(s, -1), "evidence"),
            (lambda: svc.list_systems(s, offset=BIG), "offset"),
            (lambda: svc.list_systems(s, limit=0), "limit"),
            (lambda: svc.list_obligations(s, offset=BIG), "offset"),
            (lambda: list_events(s, offset=BIG), "offset"),
            (lambda: list_events(s, limit=BIG), "limit"),
        ]:
            with pytest.raises(InvalidInput) as exc:
                call()
            assert exc.value.where == field and exc.value.code == "input.out_of_range"
        assert svc.list_systems(s, offset=MAX_ID) == ([], 0)
        with pytest.raises(NotFound):
            svc.get_system(s, "9" * 5000)  # a key, not a number Python would refuse to read


def test_pages_refuse_numbers_out_of_range_with_the_error_page(web: tuple[FastAPI, Database]) -> None:
    app, db = web
    gina, audrey = Person(app, db, "gina").login(), Person(app, db, "audrey").login()
    with db.session() as s:
        key = svc.register_system(s, name="Page bot", owner="olivia", answers=LOW,
                                  by=acc.principal_for(acc.get_user(s, "gina"))).key
    for person, url in [(gina, f"/systems?offset={BIG}"), (audrey, f"/audit?offset={BIG}"),
                        (gina, f"/systems/{key}/evidence/{BIG}")]:
        r = person.get(url)
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), (url, r.text)
        assert 'data-problem="invalid-input"' in r.text, url
    r = gina.post(f"/systems/{key}/obligations/{BIG}", data={"status": "met"})
    assert r.status_code == 422 and 'data-problem="invalid-input"' in r.text


def _crashing_app(sqlite_db: Database) -> FastAPI:
    """The real app with one more route that fails the way a bug would: an exception nobody maps."""
    app = create_app(sqlite_db.settings, sqlite_db)

    def boom() -> None:
        raise RuntimeError("a bug nobody foresaw")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom, include_in_schema=False)
    return app


def test_an_unexpected_exception_is_a_problem_with_the_request_id_that_the_log_has(
        sqlite_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(_crashing_app(sqlite_db)) as c, caplog.at_level(logging.ERROR, logger="aisgf.web"):
        r = c.get("/api/boom", headers={"X-Request-ID": "ticket-42.a"})
        assert r.status_code == 500 and r.headers["content-type"].startswith("application/problem+json")
        doc = r.json()
        assert doc["request_id"] == r.headers["X-Request-ID"] == "ticket-42.a"
        assert "Traceback" not in r.text and "a bug nobody foresaw" not in r.text
        assert doc["type"] == "https://aisgf.dev/problems/internal-error"
        logged = [rec for rec in caplog.records if "ticket-42.a" in rec.getMessage()]
        assert len(logged) == 1 and logged[0].exc_info and "a bug nobody foresaw" in str(logged[0].exc_info[1])

        # An ID that is not a plain token is not echoed (nor logged): the server makes one.
        r = c.get("/api/boom", headers={"X-Request-ID": "not a token <script>"})
        generated = r.headers["X-Request-ID"]
        assert generated == r.json()["request_id"] and len(generated) == 32 and "<" not in generated

        # A page shows the error page with the ID.
        r = c.get("/boom", headers={"Accept-Language": "en"})
        assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
        assert f'data-request-id="{r.headers["X-Request-ID"]}"' in r.text and "Traceback" not in r.text


def test_every_answer_carries_a_request_id(api: Api) -> None:
    c = api[0]
    assert len(c.get("/api/health").headers["X-Request-ID"]) == 32
    assert c.get("/api/health", headers={"X-Request-ID": "abc-1"}).headers["X-Request-ID"] == "abc-1"


def test_problems_keep_the_headers_of_their_exception(api: Api) -> None:
    c = api[0]
    r = c.delete("/api/systems")
    assert r.status_code == 405 and r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["Allow"] == "GET, POST"  # every method of the path, not the first route's only
    r = c.put("/api/catalog")
    assert r.status_code == 405 and r.headers["Allow"] == "GET"
    r = c.get("/api/systems", headers={"Authorization": ""})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("uri", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "s3://b/k",
                                 "https://", "http://host/with space", "ftp://example.org/x"])
def test_evidence_links_are_http_or_https_only(api: Api, uri: str) -> None:
    c, _, db = api
    key = c.post("/api/systems", json={"system": {"name": "Link bot", "owner": "olivia"}, "answers": LOW}).json()["key"]
    _problem(c.post(f"/api/systems/{key}/evidence", data={"uri": uri}), 422, "body.uri")
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    with db.session() as s, pytest.raises(InvalidInput) as exc:  # the service (CLI, pages) checks the same
        svc.add_evidence(s, store, key, by=acc.principal_for(acc.get_user(s, "gina")), uri=uri, max_bytes=10)
    assert exc.value.where == "uri" and exc.value.code == "registry.uri_not_web"
    r = c.post(f"/api/systems/{key}/evidence", data={"uri": "HTTPS://example.org/report?id=1#p2"})
    assert r.status_code == 201 and r.json()["uri"] == "HTTPS://example.org/report?id=1#p2"


def test_search_takes_percent_underscore_and_backslash_literally(tmp_path: Path) -> None:
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    (overlays / "literal.yaml").write_text(
        "framework: aisgf-1.0\nsource: test fixture\ntexts:\n"
        "  - id: 6.2.e\n    lang: en\n    text: 'TEST: keep 100% of log_id values under C:\\data.'\n",
        encoding="utf-8")
    cat = load_catalog(overlays)
    ids = lambda q: [h.item.id for h in search(cat, q)]  # noqa: E731
    assert ids("100%") == ["6.2.e"] and ids("％") == ["6.2.e"]  # full width is the same character
    assert ids("log_id") == ["6.2.e"] and ids("_") == ["6.2.e"] and ids("C:\\data") == ["6.2.e"]
    assert ids("%") == ["6.2.e"] and ids("\\") == ["6.2.e"]
    assert ids("a_b") == [] and ids("%%") == []  # not wildcards: nothing else matches
    assert len(ids("log id")) > 1  # without them, punctuation still does not matter
    assert ids("!!!") == []  # punctuation only looks for nothing


def test_search_page_keeps_the_form_for_literal_characters(web: tuple[FastAPI, Database]) -> None:
    app, db = web
    gina = Person(app, db, "gina").login()
    for q in ("%", "_", "\\", "!!!", "100%_x"):
        r = gina.get("/catalog", params={"q": q})
        assert r.status_code == 200, (q, r.text)
        assert 'name="q"' in r.text and "Nothing found." in r.text, q
    r = gina.get("/catalog", params={"q": '100%"><b>'})
    assert 'value="100%&#34;&gt;&lt;b&gt;"' in r.text
