"""Server-rendered pages (Jinja2 + htmx) for people; each module is one area of the application."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from aisgf.web.pages import admin, audit, auth, catalog, governance, oidc

    return [auth.router, oidc.router, governance.router, catalog.router, audit.router, admin.router]
