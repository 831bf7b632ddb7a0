"""Application factory: mounts each concern's router and turns errors into RFC 9457 problems."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

import aisgf
from aisgf.config import Settings, get_settings
from aisgf.db import Database, open_database
from aisgf.errors import AisgfError
from aisgf.registry.evidence_store import EvidenceStore

PROBLEM = "application/problem+json"


def _problem(status: int, title: str, detail: str, slug: str, **extra: Any) -> JSONResponse:
    body = {"type": f"https://aisgf.dev/problems/{slug}", "title": title, "status": status, "detail": detail}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AisgfError)
    async def _aisgf(_: Request, exc: AisgfError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.problem(), status_code=exc.status, media_type=PROBLEM, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
                  for e in exc.errors()]
        first = errors[0] if errors else {"field": "?", "message": "invalid"}
        return _problem(422, "Invalid input", f"{first['field']}: {first['message']}", "invalid-input",
                        where=first["field"], errors=errors)

    @app.exception_handler(StaleDataError)
    async def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return _problem(409, "Conflict", "the record changed while you were editing it; reload and try again",
                        "conflict")

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        return _problem(409, "Conflict", f"the change conflicts with stored data: {str(exc.orig)[:200]}",
                        "conflict")

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> JSONResponse:
        return _problem(503, "Database unavailable", f"database error: {str(exc.orig)[:200]}",
                        "database-unavailable")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _problem(exc.status_code, str(exc.detail), str(exc.detail), "http-error")


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
    app.state.settings = settings
    app.state.db = db
    app.state.store = EvidenceStore(settings.resolved_evidence_dir)
    _install_error_handlers(app)

    from aisgf.audit.api import router as audit_router
    from aisgf.catalog.api import router as catalog_router
    from aisgf.intake.api import router as intake_router
    from aisgf.registry.api import router as registry_router

    app.include_router(catalog_router)
    app.include_router(intake_router)
    app.include_router(registry_router)
    app.include_router(audit_router)

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": aisgf.__version__, "database": db.engine.dialect.name}

    return app
