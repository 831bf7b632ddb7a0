"""The OSCAL export validates under compliance-trestle, and trestle rejects a broken one."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from trestle.common.err import TrestleError
from trestle.oscal.catalog import Catalog as OscalCatalog

from aisgf.catalog import Catalog
from aisgf.catalog.oscal import export_oscal


def write(tmp_path: Path, doc: dict, name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def v(x: object) -> object:
    """Unwrap trestle's nested root models (e.g. OscalVersion → StringDatatype → str)."""
    while hasattr(x, "root"):
        x = x.root
    return x


def all_controls(groups: list) -> list:
    out = []
    for g in groups or []:
        out += list(getattr(g, "controls", None) or [])
        out += all_controls(getattr(g, "groups", None))
    return out


def test_export_validates_under_trestle(catalog: Catalog, tmp_path: Path) -> None:
    doc = export_oscal(catalog)
    parsed = OscalCatalog.oscal_read(write(tmp_path, doc))
    assert parsed is not None
    assert v(parsed.metadata.oscal_version) == "1.2.1"
    assert [v(g.id) for g in parsed.groups] == ["sec-1", "sec-2", "sec-3", "sec-4", "sec-5", "sec-6"]
    controls = {v(c.id): c for c in all_controls(parsed.groups)}
    assert len(controls) == len([i for i in catalog if i.kind != "section"])
    control = controls["item-6.2.e"]
    props = {(v(p.name), v(p.value)) for p in control.props}
    assert ("qualified-id", "aisgf-1.0:6.2.e") in props and ("addressee", "provider") in props
    assert ("text-status", "close_paraphrase") in props
    statement = next(p for p in control.parts if v(p.name) == "statement")
    prose = [v(p.prose) for p in statement.parts]
    assert catalog.get("6.2.e").text("zh") in prose
    links = {(v(lk.href), v(lk.rel)) for lk in controls["item-4.1.3.c"].links}
    assert ("#item-3.1.3.b", "addresses") in links


def test_export_is_deterministic(catalog: Catalog) -> None:
    assert export_oscal(catalog) == export_oscal(catalog)
    assert export_oscal(catalog)["catalog"]["uuid"] == export_oscal(catalog)["catalog"]["uuid"]


def test_trestle_rejects_an_invalid_catalog(catalog: Catalog, tmp_path: Path) -> None:
    bad = copy.deepcopy(export_oscal(catalog))
    bad["catalog"]["groups"][5]["groups"][1]["controls"][4]["id"] = "6.2.e"  # ids must start with a letter
    with pytest.raises(TrestleError, match=r"controls\[4\]\.id"):
        OscalCatalog.oscal_read(write(tmp_path, bad, "bad-id.json"))
    with pytest.raises(ValidationError):
        OscalCatalog.model_validate(bad["catalog"])
    worse = copy.deepcopy(export_oscal(catalog))
    del worse["catalog"]["metadata"]["title"]
    with pytest.raises(TrestleError, match="title"):
        OscalCatalog.oscal_read(write(tmp_path, worse, "no-title.json"))
