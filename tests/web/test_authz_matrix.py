"""Every route × every role against the policy table (policy.yaml), with the route list read from the app.

The expectation comes from the policy file, not from the routes: a route added without a policy
entry fails `test_every_route_is_in_the_policy`, and one whose check is missing or wrong fails the
matrix. Requests carry empty or invalid bodies, so an allowed write stops at validation (422)
instead of changing data; a denial is a 401/403 naming the policy, or a redirect to the sign-in page.
Because the matrix trusts policy.yaml, `test_critical_denials_from_a_hand_written_table` checks the
denials that matter most against a table written out here, with exact statuses and problem types.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.db import Database
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.web.authz import load_policy
from tests.answers import HIGH
from tests.people import who as acting_as
from tests.web.helpers import Person

ROLE_PEOPLE = {"admin": "ada", "governance_lead": "gina", "owner": "olivia", "reviewer": "rita", "auditor": "audrey"}
LAST = {("POST", "/logout"), ("POST", "/account/logout-everywhere")}  # they end the caller's session


def _flat_routes(app: FastAPI) -> list[tuple[Any, str, set[str]]]:
    """(route, full path, methods) for every route, through included routers of any FastAPI version."""
    try:  # FastAPI ≥ 0.160 keeps included routers lazily; this walks them
        from fastapi.routing import _iter_routes_with_context
    except ImportError:  # pragma: no cover - older FastAPI flattens routes on include
        return [(r, r.path, set(getattr(r, "methods", None) or {"GET"})) for r in app.routes]
    out = []
    for route, ctx in _iter_routes_with_context(app.routes):
        if ctx is not None:
            out.append((route, ctx.path or route.path, set(ctx.methods or getattr(route, "methods", set()))))
        else:
            out.append((route, route.path, set(getattr(route, "methods", None) or {"GET"})))
    return out


def _routes(app: FastAPI) -> list[tuple[str, str, Any]]:
    out = []
    for r, path, methods in _flat_routes(app):
        if isinstance(r, Mount):
            out.append(("GET", path, r))
        elif isinstance(r, APIRoute | Route):
            out += [(m, path, r) for m in sorted(methods) if m != "HEAD"]
    assert len(out) > 60, "the route walk found too few routes; FastAPI's routing changed"
    return out


def test_every_route_is_in_the_policy(web: tuple[FastAPI, Database]) -> None:
    app, _ = web
    policy = load_policy()
    missing = [f"{m} {p}" for m, p, _ in _routes(app) if policy.rule(m, p) is None]
    assert not missing, f"routes without an entry in policy.yaml: {missing}"
    served = {(m, p) for m, p, _ in _routes(app)}
    stale = [f"{m} {p}" for (m, p) in policy.routes if (m, p) not in served]
    assert not stale, f"policy.yaml names routes the app does not have: {stale}"


def _fixtures(db: Database) -> dict[str, str]:
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    import io

    with db.session() as s:
        system = svc.register_system(s, name="Matrix system", owner="olivia", answers=HIGH, by=acting_as(s, "test"))
        ob = system.obligations[0]
        ev = svc.add_evidence(s, store, system.key, by=acting_as(s, "test"), obligations=[ob.catalog_id],
                              stream=io.BytesIO(b"report"), filename="r.txt", media_type="text/plain", max_bytes=1000)
        bo = acc.get_user(s, "bo")
        from aisgf.lineage import services as lin

        model = lin.add_model(s, by=acting_as(s, "gina"), name="matrix-model", kind="foundation",
                              accountable_team="ML")
        lin.link_system_model(s, system.key, model.id, "primary", by=acting_as(s, "gina"))
        vendor = lin.add_vendor(s, by=acting_as(s, "gina"), name="Matrix vendor", supplies=["model_api"])
        return {"ref": system.key, "key": system.key, "obligation_id": str(ob.id), "evidence_id": str(ev.id),
                "item_id": "6.2.e", "token": "not-a-setup-token", "code": "en", "user_id": str(bo.id),
                "token_id": "999999", "model_id": str(model.id), "vendor_id": str(vendor.id)}


def _url(path: str, params: dict[str, str]) -> str:
    for k, v in params.items():
        path = path.replace("{" + k + "}", v)
    if path == "/static":
        return "/static/app.css"
    return path


def _denied(r: Any) -> bool:
    if r.status_code in (303, 307) and r.headers.get("location", "").startswith("/login?next="):
        return True
    return r.status_code in (401, 403) and r.headers.get("x-aisgf-problem") in ("access-denied", "login-required")


@pytest.mark.slow  # > 3 s: `pytest -m 'not slow'` leaves it out of the quick loop
def test_authorization_matrix(web: tuple[FastAPI, Database]) -> None:
    app, db = web
    params = _fixtures(db)
    policy = load_policy()
    tokens: dict[str, dict[str, str]] = {}
    pages: dict[str, Person] = {}
    for role, name in ROLE_PEOPLE.items():
        with db.session() as s:
            tokens[role] = {"Authorization": "Bearer " + acc.create_token(s, acc.get_user(s, name), name="m",
                                                                          by=system_principal("t"))}
        pages[role] = Person(app, db, name).login()
    anon = TestClient(app, follow_redirects=False)
    routes = sorted(_routes(app), key=lambda t: ((t[0], t[1]) in LAST, t[1], t[0]))
    failures: list[str] = []
    checked = 0
    for method, path, _route in routes:
        rule = policy.rule(method, path)
        assert rule is not None
        url = _url(path, params)
        for role in (None, *ROLE_PEOPLE):
            api = path.startswith("/api/")
            if role is None:
                client, headers, data = anon, {}, {}
            elif api:
                client, headers, data = anon, tokens[role], {}
            else:
                if (method, path) in LAST:
                    pages[role].login()  # the previous one ended this person's sessions
                client, headers, data = pages[role].c, {}, {"csrf_token": pages[role].csrf}
            if method == "GET":
                r = client.get(url, headers=headers)
            elif api:
                r = client.request(method, url, headers=headers, json={})
            else:
                r = client.request(method, url, headers=headers, data=data)
            expected_allowed = rule.allows(role)
            checked += 1
            if _denied(r) == expected_allowed:
                failures.append(f"{method} {path} as {role or 'anonymous'}: expected "
                                f"{'allow' if expected_allowed else 'deny'}, got {r.status_code} "
                                f"{r.headers.get('x-aisgf-problem')} {r.headers.get('location', '')}")
    assert not failures, "\n".join(failures)
    assert checked >= 6 * 70


# The critical denials, written out by hand: the matrix above takes its expectations from policy.yaml,
# so a wrong entry there would pass it. Each row is who (None: anonymous), method, path, body, and the
# exact status and X-Aisgf-Problem the app must answer. Role rules answer 403 access-denied; an owner
# asking for another owner's system gets 404 not-found (to them it does not exist); a reviewer deciding
# for a function they do not hold gets 403 forbidden (accounts.services.check_can_review).
REVIEW_LEGAL = {"function": "legal", "decision": "approve", "reason": "looks fine"}
CRITICAL_DENIALS: list[tuple[str | None, str, str, dict[str, Any] | None, int, str]] = [
    (None, "GET", "/api/systems", None, 401, "login-required"),
    (None, "POST", "/api/systems/{ref}/reviews", REVIEW_LEGAL, 401, "login-required"),
    ("audrey", "POST", "/api/systems", {"system": {"name": "Auditor's"}, "answers": HIGH}, 403, "access-denied"),
    ("rita", "POST", "/api/systems", {"system": {"name": "Reviewer's"}, "answers": HIGH}, 403, "access-denied"),
    ("olivia", "POST", "/api/systems/{ref}/reviews", REVIEW_LEGAL, 403, "access-denied"),
    ("gina", "POST", "/api/systems/{ref}/reviews", REVIEW_LEGAL, 403, "access-denied"),
    ("ada", "POST", "/api/systems/{ref}/reviews", REVIEW_LEGAL, 403, "access-denied"),
    ("audrey", "PATCH", "/api/obligations/{obligation_id}", {"status": "met"}, 403, "access-denied"),
    ("audrey", "POST", "/api/systems/{ref}/status", {"status": "live"}, 403, "access-denied"),
    ("rita", "POST", "/api/systems/{ref}/status", {"status": "live"}, 403, "access-denied"),
    ("olivia", "GET", "/api/audit/events", None, 403, "access-denied"),
    ("rita", "GET", "/api/audit/verify", None, 403, "access-denied"),
    ("gina", "page GET", "/admin/users", None, 403, "access-denied"),
    ("audrey", "page GET", "/admin/users", None, 403, "access-denied"),
    ("olivia", "page POST", "/admin/users/{user_id}/role", {"role": "admin"}, 403, "access-denied"),
    ("audrey", "page GET", "/intake", None, 403, "access-denied"),
    ("rita", "page POST", "/systems/{key}/status", {"status": "live", "version": "1"}, 403, "access-denied"),
    ("olivia", "page GET", "/audit", None, 403, "access-denied"),
    ("olivia", "page POST", "/systems/{key}/reviews", {**REVIEW_LEGAL, "assessment": "1"}, 403, "access-denied"),
    # an owner cannot see (or change) another owner's system
    ("oscar", "GET", "/api/systems/{ref}", None, 404, "not-found"),
    ("oscar", "PATCH", "/api/obligations/{obligation_id}", {"status": "met"}, 404, "not-found"),
    ("oscar", "page GET", "/systems/{key}", None, 404, "not-found"),
    # lineage: readers and reviewers change no model, vendor or chain record; owners see only their own system
    ("audrey", "PATCH", "/api/models/{model_id}", {"licence": "x"}, 403, "access-denied"),
    ("rita", "POST", "/api/models/{model_id}/evidence", None, 403, "access-denied"),
    ("olivia", "POST", "/api/vendors/{vendor_id}/admission", {"to": "due_diligence"}, 403, "access-denied"),
    ("gina", "POST", "/api/vendors/{vendor_id}/reviews", {"function": "legal", "decision": "approve"}, 403,
     "access-denied"),
    ("audrey", "POST", "/api/systems/{ref}/lineage/chain/evidence", None, 403, "access-denied"),
    ("oscar", "POST", "/api/systems/{ref}/lineage/chain/evidence", None, 404, "not-found"),
    ("olivia", "page POST", "/vendors/{vendor_id}/admission", {"to": "due_diligence"}, 403, "access-denied"),
    ("rita", "page POST", "/systems/{key}/lineage/chain-check", None, 403, "access-denied"),
    # a reviewer without the legal function cannot decide the legal review
    ("bo", "POST", "/api/systems/{ref}/reviews", REVIEW_LEGAL, 403, "forbidden"),
    ("bo", "page POST", "/systems/{key}/reviews", {**REVIEW_LEGAL, "assessment": "1"}, 403, "forbidden"),
]


def test_critical_denials_from_a_hand_written_table(web: tuple[FastAPI, Database]) -> None:
    app, db = web
    params = _fixtures(db)
    with db.session() as s:
        before = svc.review_state(s, svc.get_system(s, params["key"]))
        assert "legal" in before, "the fixture system must need a legal review for the rows below"
    people = {who for who, *_ in CRITICAL_DENIALS if who}
    tokens, pages = {}, {}
    for name in people:
        with db.session() as s:
            tokens[name] = acc.create_token(s, acc.get_user(s, name), name="denials", by=system_principal("t"))
        pages[name] = Person(app, db, name).login()
    api = TestClient(app, follow_redirects=False)
    failures = []
    for who, method, path, body, status, problem in CRITICAL_DENIALS:
        url = _url(path, params)
        if method.startswith("page "):
            assert who is not None
            verb = method.removeprefix("page ")
            r = pages[who].get(url) if verb == "GET" else pages[who].post(url, data=body)
        else:
            headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
            r = api.request(method, url, headers=headers, json=body)
        got = (r.status_code, r.headers.get("x-aisgf-problem"))
        if got != (status, problem):
            failures.append(f"{method} {path} as {who or 'anonymous'}: expected {status} {problem}, got {got}")
    assert not failures, "\n".join(failures)
    with db.session() as s:
        system = svc.get_system(s, params["key"])
        assert svc.review_state(s, system) == before and system.status == "in_review"
        assert all(o.status != "met" for o in system.obligations)
        assert [u.role for u in acc.list_users(s) if u.username == "olivia"] == ["owner"]
