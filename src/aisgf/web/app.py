"""Application factory: mounts each concern's router and turns errors into RFC 9457 problems."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

import aisgf
from aisgf.config import Settings, get_settings
from aisgf.db import Database, map_database_error, open_database
from aisgf.errors import AisgfError, problem_document
from aisgf.registry.evidence_store import EvidenceStore

PROBLEM = "application/problem+json"
REQUEST_ID = "X-Request-ID"
#: A request ID a client sends is echoed only if it is a short token (no header injection, no log forging).
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger("aisgf.web")


def _respond(request: Request, doc: dict[str, Any], headers: dict[str, str] | None = None,
             error: AisgfError | None = None) -> Response:
    """A problem document for the API; for pages, the same problem as a page a person can act on."""
    status = int(doc["status"])
    slug = str(doc["type"]).rsplit("/", 1)[-1]
    headers = {**(headers or {}), "X-Aisgf-Problem": slug}
    path = request.url.path
    if path.startswith("/api/") or path in ("/openapi.json", "/docs", "/redoc"):
        return JSONResponse(doc, status_code=status, media_type=PROBLEM, headers=headers)
    from aisgf.web.pagekit import problem_page

    headers.pop("WWW-Authenticate", None)
    return problem_page(request, doc, slug, headers, error)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AisgfError)
    async def _aisgf(request: Request, exc: AisgfError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return _respond(request, exc.problem(), headers, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
                  for e in exc.errors()]
        first = errors[0] if errors else {"field": "?", "message": "invalid"}
        return _respond(request, problem_document(422, "Invalid input", f"{first['field']}: {first['message']}",
                                                  "invalid-input", {"where": first["field"], "errors": errors}))

    @app.exception_handler(StaleDataError)
    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: Exception) -> Response:
        # Outside a `Database.session` block (which maps them itself): the same mapping, the same body.
        mapped = map_database_error(exc)
        assert mapped is not None
        return _respond(request, mapped.problem())

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> Response:
        return _respond(request, problem_document(
            503, "Database unavailable", f"database error: {str(exc.orig)[:200]}", "database-unavailable"))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # The exception's headers are part of the answer: a 405 says which methods are allowed (Allow),
        # a 401 how to authenticate (WWW-Authenticate).
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (allowed := _allowed_methods(request)):
            headers["Allow"] = ", ".join(allowed)
        return _respond(request, problem_document(exc.status_code, str(exc.detail), str(exc.detail), "http-error"),
                        headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method the routes of this path serve (Starlette's 405 names only the first route's)."""
    route = request.scope.get("route")  # the route whose path matched, though its method did not
    template = getattr(route, "path", None)
    if template is None:
        return []
    by_path: dict[str, set[str]] | None = getattr(request.app.state, "methods_by_path", None)
    if by_path is None:
        from fastapi.routing import iter_route_contexts

        by_path = {}
        for r in iter_route_contexts(request.app.routes):
            if r.path is not None and r.methods:
                by_path.setdefault(r.path, set()).update(r.methods)
        request.app.state.methods_by_path = by_path
    return sorted(by_path.get(template, set()))


class _LastResort:
    """ASGI middleware, outermost: every request has an ID, and no exception leaves as a stack trace.

    The ID is the client's `X-Request-ID` when it sends a plain token, else a new one; every answer
    carries it back. An exception no handler turned into a problem is logged once, with that ID and
    its traceback, and answered as a 500 problem naming the ID (pages: the error page), so a person
    can quote it and an operator can find the traceback.
    """

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(REQUEST_ID.lower().encode(), b"").decode("latin-1")
        request_id = given if _REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID.lower().encode()]
                message = {**message, "headers": [*headers, (REQUEST_ID.lower().encode(), request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            log.error("unexpected error, request %s: %s %s", request_id, scope.get("method"), scope.get("path"),
                      exc_info=exc)
            if started:  # part of the answer is sent: nothing to do but end the connection
                return
            request = Request(scope, receive)
            doc = problem_document(500, "Internal server error",
                                   f"something went wrong on the server; quote request ID {request_id} "
                                   "to the administrator", "internal-error", {"request_id": request_id})
            try:
                response = _respond(request, doc, {REQUEST_ID: request_id})
            except Exception:  # the error page itself failed (a broken template): the problem document
                log.exception("the error page failed, request %s", request_id)
                response = JSONResponse(doc, status_code=500, media_type=PROBLEM, headers={REQUEST_ID: request_id})
            await response(scope, receive, send)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the app over an opened (migrated) database."""
    settings = settings or get_settings()
    db = db or open_database(settings)
    app = FastAPI(
        title="aisgf",
        version=aisgf.__version__,
        description="China's AI Safety Governance Framework 1.0 (TC260, 2024): catalog, intake and tiering, "
        "registry, evidence, reviews and a tamper-evident audit trail.",
    )
    from aisgf.context import AppContext

    # What is in force for this app (its settings' catalog, ruleset, questionnaire, with their caches);
    # every request runs inside it, so an app built with other settings never reads the process's.
    app.state.context = context = AppContext(settings, db)
    app.add_middleware(_InContext, context=context)
    app.add_middleware(_LastResort)  # added last: the outermost of ours, so it sees every exception

    from aisgf.web.headers import SecurityHeaders

    # Outside the context middleware: every response, problem pages and static files included.
    app.add_middleware(SecurityHeaders)
    app.state.settings = settings
    app.state.db = db
    app.state.store = EvidenceStore(settings.resolved_evidence_dir)
    app.state.setup_token = None  # set by `aisgf serve` while no admin exists
    from aisgf.accounts.oidc import OidcSettings

    # AISGF_OIDC_*: sign-in through an identity provider, off by default
    app.state.oidc = OidcSettings.from_settings(settings)
    _install_error_handlers(app)

    from aisgf.accounts.pages import admin as admin_pages
    from aisgf.accounts.pages import auth as auth_pages
    from aisgf.accounts.pages import oidc as oidc_pages
    from aisgf.audit import pages as audit_pages
    from aisgf.audit.api import router as audit_router
    from aisgf.catalog import pages as catalog_pages
    from aisgf.catalog.api import router as catalog_router
    from aisgf.intake.api import router as intake_router
    from aisgf.lineage import pages as lineage_pages
    from aisgf.lineage.api import router as lineage_router
    from aisgf.organisation import pages as organisation_pages
    from aisgf.organisation.api import router as organisation_router
    from aisgf.registry import pages as registry_pages
    from aisgf.registry.api import router as registry_router
    from aisgf.web.authz import authorize, csrf_check
    from aisgf.web.deps import bearer_token

    # Each concern's pages, beside its models and services (the app factory alone mounts them).
    page_routers = [auth_pages.router, oidc_pages.router, registry_pages.router, catalog_pages.router,
                    audit_pages.router, organisation_pages.router, admin_pages.router, lineage_pages.router]

    # Every router passes through the same access check (policy.yaml) and, for pages, the CSRF check.
    guard = [Depends(authorize), Depends(csrf_check)]
    # API routers also name the bearer-token scheme, so the document says how to authenticate.
    api_guard = [*guard, Depends(bearer_token)]
    app.include_router(catalog_router, dependencies=api_guard)
    app.include_router(intake_router, dependencies=api_guard)
    app.include_router(registry_router, dependencies=api_guard)
    app.include_router(audit_router, dependencies=api_guard)
    app.include_router(organisation_router, dependencies=api_guard)
    app.include_router(lineage_router, dependencies=api_guard)
    for r in page_routers:
        app.include_router(r, dependencies=guard)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    from aisgf.web.schemas import Health

    @app.get("/api/health", tags=["meta"], dependencies=guard, response_model=Health)
    def health() -> Health:
        return Health(status="ok", version=aisgf.__version__, database=db.engine.dialect.name)

    _document(app, context)
    return app


#: Request models whose `answers` are intake answers, described by the questionnaire in force.
_ANSWERS_IN = ("SystemIn", "ReassessIn", "AssessIn")


def _document(app: FastAPI, context: Any) -> None:
    """The OpenAPI document says what this app, with its data in force, really takes and answers.

    - The words of the ruleset in force (reviewer functions, tiers, lanes) and the intake answers of
      the questionnaire in force (`intake.schemas.answers_schema`): they are data, so the request
      models accept any word or mapping and the services check them; the document still tells a
      client exactly which values this server takes.
    - Every error body under ``application/problem+json`` (what the handlers above send), and a 400
      on every route with a body (one that cannot be parsed as JSON or multipart is refused before
      validation, by FastAPI).
    """
    from aisgf.context import use
    from aisgf.intake.schemas import answers_schema
    from aisgf.registry.api import document_evidence_upload, document_vocabulary
    from aisgf.web.schemas import problem_media_type, problems

    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain()
            with use(context):
                document_vocabulary(schema, context.ruleset())
                components = schema.setdefault("components", {}).setdefault("schemas", {})
                components["Answers"] = answers_schema(context.questionnaire())
            for upload in ("/api/systems/{ref}/evidence", "/api/models/{model_id}/evidence",
                           "/api/datasets/{dataset_id}/evidence"):
                document_evidence_upload(schema, upload)
            for name in _ANSWERS_IN:
                props = components.get(name, {}).get("properties", {})
                if "answers" in props:
                    props["answers"] = {"$ref": "#/components/schemas/Answers"}
            bad_body = problems(400)[400]
            for ops in schema.get("paths", {}).values():
                for op in ops.values():
                    if "requestBody" in op:
                        op["responses"].setdefault("400", {
                            "description": bad_body["description"],
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
            problem_media_type(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


class _InContext:
    """ASGI middleware: each request (and the threads it hands work to) runs inside the app's context."""

    def __init__(self, app: Any, context: Any):
        self.app, self.context = app, context

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from aisgf.context import use

        with use(self.context):
            await self.app(scope, receive, send)


def warm_up(app: FastAPI) -> None:
    """Load what every request reads (questionnaire, ruleset, catalog, translations, templates) before the
    first person arrives, then move those long-lived objects out of the garbage collector's way.

    Why: otherwise the first request on each server process pays for parsing YAML and compiling
    templates, and later full collections walk hundreds of thousands of catalog objects that never
    die — both show up as latency spikes (the p99 of `benchmarks/web.py`). `gc.freeze` keeps them
    out of collections for the life of the process.
    """
    import gc

    from aisgf.catalog import load_catalog
    from aisgf.context import use
    from aisgf.intake import load_questionnaire
    from aisgf.intake.ruleset import load_ruleset
    from aisgf.web.i18n import LANGS, catalog
    from aisgf.web.templating import _ENV

    settings: Settings = app.state.settings
    with use(app.state.context):
        load_catalog(settings.resolved_overlay_dir)
        load_questionnaire()
        load_ruleset()
    for lang in LANGS:
        catalog(lang)
    for name in _ENV.list_templates(extensions=["html"]):
        _ENV.get_template(name)
    gc.collect()
    gc.freeze()
