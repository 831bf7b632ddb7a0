"""REST routes under /api/catalog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from aisgf.catalog.api import router
from aisgf.config import Settings
from aisgf.errors import AisgfError


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The catalog router in a bare app, with the same error translation as the platform app."""
    app = FastAPI()
    app.state.settings = settings

    @app.exception_handler(AisgfError)
    async def _problem(_: Request, exc: AisgfError) -> JSONResponse:
        return JSONResponse(exc.problem(), status_code=exc.status, media_type="application/problem+json")

    app.include_router(router)
    with TestClient(app) as c:
        yield c


def test_items_paged_and_filtered(client: TestClient) -> None:
    r = client.get("/api/catalog/items", params={"section": "6.3", "kind": "guideline", "limit": 4, "offset": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 9 and body["limit"] == 4 and body["offset"] == 2
    assert [i["local_id"] for i in body["items"]] == ["6.3.c", "6.3.d", "6.3.e", "6.3.f"]
    r = client.get("/api/catalog/items", params={"role": "public", "kind": "guideline"})
    assert [i["local_id"] for i in r.json()["items"]] == [f"6.4.{c}" for c in "abcdef"]
    r = client.get("/api/catalog/items", params={"section": "4.1.2", "lang": "en"})
    # 4.1.2(a) has no framework text, but the seed's commentary on it is English text
    assert [i["local_id"] for i in r.json()["items"]] == [f"4.1.2.{c}" for c in "abcdef"]
    r = client.get("/api/catalog/items", params={"section": "4.1.2", "lang": "zh"})
    assert [i["local_id"] for i in r.json()["items"]] == [f"4.1.2.{c}" for c in "bcdef"]


def test_item_and_unknown_item(client: TestClient) -> None:
    r = client.get("/api/catalog/items/aisgf-1.0:4.1.2")
    assert r.status_code == 200
    assert r.json()["children"][0] == "aisgf-1.0:4.1.2.a"
    r = client.get("/api/catalog/items/6.2.z")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "6.2.z" in r.json()["detail"]


def test_bad_filter_is_a_problem(client: TestClient) -> None:
    r = client.get("/api/catalog/items", params={"kind": "rule"})
    assert r.status_code == 422 and "kind" in r.json()["detail"]


def test_search(client: TestClient) -> None:
    r = client.get("/api/catalog/search", params={"q": "核生化导武器"})
    assert "aisgf-1.0:4.1.2.c" in [h["id"] for h in r.json()["items"]]
    r = client.get("/api/catalog/search", params={"q": "nuclear, biological", "lang": "en"})
    assert all(h["lang"] == "en" for h in r.json()["items"]) and r.json()["total"] >= 2


def test_coverage_export_operating_model(client: TestClient) -> None:
    cov = client.get("/api/catalog/coverage").json()
    assert cov["framework"] == "aisgf-1.0" and cov["sections"]
    items = client.get("/api/catalog/export").json()
    assert items[0]["id"] == "aisgf-1.0:1"
    oscal = client.get("/api/catalog/export", params={"format": "oscal"}).json()
    assert oscal["catalog"]["metadata"]["oscal-version"] == "1.2.1"
    om = client.get("/api/catalog/operating-model").json()
    assert om["catalog"] == "operating-model"
    info = client.get("/api/catalog").json()
    assert info["framework"] == "aisgf-1.0" and info["items"] == len(items)
