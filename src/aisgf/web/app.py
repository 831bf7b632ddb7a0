"""Application factory: mounts each concern's router and turns errors into RFC 9457 problems."""

from __future__ import annotations

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
        return _respond(request, problem_document(exc.status_code, str(exc.detail), str(exc.detail), "http-error"))


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
    from aisgf.organisation import pages as organisation_pages
    from aisgf.organisation.api import router as organisation_router
    from aisgf.registry import pages as registry_pages
    from aisgf.registry.api import router as registry_router
    from aisgf.web.authz import authorize, csrf_check

    # Each concern's pages, beside its models and services (the app factory alone mounts them).
    page_routers = [auth_pages.router, oidc_pages.router, registry_pages.router, catalog_pages.router,
                    audit_pages.router, organisation_pages.router, admin_pages.router]

    # Every router passes through the same access check (policy.yaml) and, for pages, the CSRF check.
    guard = [Depends(authorize), Depends(csrf_check)]
    app.include_router(catalog_router, dependencies=guard)
    app.include_router(intake_router, dependencies=guard)
    app.include_router(registry_router, dependencies=guard)
    app.include_router(audit_router, dependencies=guard)
    app.include_router(organisation_router, dependencies=guard)
    for r in page_routers:
        app.include_router(r, dependencies=guard)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    from aisgf.web.schemas import Health

    @app.get("/api/health", tags=["meta"], dependencies=guard, response_model=Health)
    def health() -> Health:
        return Health(status="ok", version=aisgf.__version__, database=db.engine.dialect.name)

    _document_vocabulary(app, context)
    return app


def _document_vocabulary(app: FastAPI, context: Any) -> None:
    """The OpenAPI document lists the words of this app's ruleset in force (e.g. reviewer functions).

    They are ruleset data, so the request models accept any word and the service checks it; the
    document still tells a client which words this server takes.
    """
    from aisgf.context import use
    from aisgf.registry.api import document_vocabulary

    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain()
            with use(context):
                document_vocabulary(schema, context.ruleset())
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
