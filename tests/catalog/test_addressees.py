"""Whom each item is addressed to: every item of 1.0 says so, with a basis, and the state-side
measures of section 5 are the state's alone (issue 10, "Addressees").

Why these checks: the intake turns items into an organisation's obligations; an item addressed to
the state ("制定出台…标准规范", "建立…制度") must not look like a company's duty, and the public's
guidelines (6.4) are nobody's obligation inside a company.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aisgf.catalog import ADDRESSEES, Catalog
from aisgf.catalog.api import router
from aisgf.catalog.loader import load_framework_folder
from aisgf.catalog.oscal import export_oscal
from aisgf.catalog.service import filter_items, resolve_addressee
from aisgf.cli import app as cli_app
from aisgf.config import Settings
from aisgf.errors import AisgfError, InvalidInput


def test_every_item_of_1_0_has_addressees_with_a_basis(catalog: Catalog) -> None:
    assert len(catalog) > 100
    for item in catalog:
        assert item.addressees, item.id
        assert set(item.addressees) <= set(ADDRESSEES), item.id
        assert item.addressees_basis in ("framework_text", "official_table", "editorial"), item.id
    assert not any("regulator" in i.addressees for i in catalog)


def test_section_5_measures_are_addressed_to_the_state_only(catalog: Catalog) -> None:
    for item_id in ("5.1", "5.2", "5.3"):
        item = catalog.get(item_id)
        assert item.addressees == ["state"], item_id
        assert item.addressees_basis == "framework_text", item_id  # "We should …", "制定出台…标准规范"
        assert item.addresses_organisations is False
    assert all(m.addressees == ["state"] for m in catalog.children("5"))
    # the lead of section 5 itself names the parties that take part
    assert catalog.get("5").addressees == list(ADDRESSEES)


@pytest.mark.parametrize(
    ("section", "who"),
    [("6.1", "developer"), ("6.2", "provider"), ("6.3", "key_sector_user"), ("6.4", "public")],
)
def test_guidelines_of_section_6_address_their_party(catalog: Catalog, section: str, who: str) -> None:
    items = catalog.expand(f"{section}.*")
    assert len(items) >= 6
    for item in [catalog.get(section), *items]:
        assert item.addressees == [who], item.id
        assert item.addressees_basis == "framework_text", item.id
        assert item.addresses_organisations is (who != "public"), item.id


def test_principles_and_structure_are_addressed_to_all_and_say_why(catalog: Catalog) -> None:
    for item in [catalog.get("1"), *catalog.descendants("1"), catalog.get("2"), *catalog.descendants("2")]:
        assert item.addressees_basis is not None, item.id
    assert catalog.get("1.1").addressees == list(ADDRESSEES)
    assert catalog.get("1.1").addressees_basis == "editorial"
    # 1.3 and 2.3 name the parties themselves (研发者、服务提供者、使用者…政府监管; 技术研发机构…政府)
    assert catalog.get("1.3").addressees_basis == "framework_text"
    assert catalog.get("2.4").addressees == ["developer", "provider", "key_sector_user", "public"]


def test_roles_is_a_read_only_alias(catalog: Catalog) -> None:
    item = catalog.get("6.2.e")
    assert item.roles == item.addressees == ["provider"] and item.roles_basis == item.addressees_basis
    with pytest.raises(AttributeError):
        item.roles = ["developer"]  # type: ignore[misc]
    assert catalog.get("6.2.e").addresses_organisations is True
    assert catalog.get("6.4.a").addresses_organisations is False


def test_filter_by_addressee_and_the_deprecated_regulator(catalog: Catalog) -> None:
    state = [i.id for i in filter_items(catalog, role="state")]
    assert {"5.1", "5.2", "5.3", "5.10"} <= set(state) and "6.2.e" not in state
    assert [i.id for i in filter_items(catalog, role="regulator")] == state
    value, warning = resolve_addressee("regulator")
    assert value == "state" and warning and "deprecated" in warning and "'state'" in warning
    assert resolve_addressee("state") == ("state", None)
    with pytest.raises(InvalidInput) as exc:
        filter_items(catalog, role="ceo")
    assert "state" in exc.value.message and "regulator" not in exc.value.message


def test_old_field_names_in_a_data_file_are_refused_with_the_new_name(data_copy: Path) -> None:
    path = data_copy / "05-measures.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  addressees:\n  - state\n  addressees_basis: framework_text\n",
                                 "  roles:\n  - regulator\n  roles_basis: framework_text\n", 1), encoding="utf-8")
    with pytest.raises(AisgfError) as exc:
        load_framework_folder(data_copy)
    assert "'roles' is now 'addressees'" in exc.value.message and "'state'" in exc.value.message


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, ["catalog", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_cli_list_and_show_print_addressees(settings: Settings) -> None:
    code, out, err = _cli("list", "--role", "regulator", "--kind", "measure", "--json")
    assert code == 0 and "deprecated" in err and "'state'" in err
    rows = json.loads(out)
    assert [r["local_id"] for r in rows] == [f"5.{n}" for n in range(1, 11)]
    assert all(r["addressees"] == ["state"] and r["addresses_organisations"] is False for r in rows)
    code, out, err = _cli("list", "--addressee", "state", "--kind", "measure")
    assert code == 0 and not err and "5.10" in out and "state" in out
    code, out, _ = _cli("show", "5.2")
    assert code == 0 and "addressees: state" in out and "basis: framework_text" in out


def test_api_answers_addressees_and_warns_about_regulator() -> None:
    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as client:
        r = client.get("/api/catalog/items", params={"role": "regulator", "kind": "measure"})
        body = r.json()
        assert r.status_code == 200 and body["total"] == 10
        assert body["warnings"] and "deprecated" in body["warnings"][0]
        r = client.get("/api/catalog/items", params={"role": "state", "kind": "measure"})
        assert r.json()["warnings"] == []
        item = client.get("/api/catalog/items/6.4.b").json()
        assert item["addressees"] == ["public"] and item["addressees_basis"] == "framework_text"
        assert item["addresses_organisations"] is False and item["roles"] == ["public"]


def test_oscal_carries_addressees_as_props_with_their_basis(catalog: Catalog) -> None:
    doc = export_oscal(catalog)
    groups = {g["id"]: g for g in doc["catalog"]["groups"]}
    measure = next(c for c in groups["sec-5"]["controls"] if c["id"] == "item-5.1")
    props = [(p["name"], p["value"], p.get("class")) for p in measure["props"]]
    assert ("addressee", "state", "framework_text") in props
    assert not any(name == "role" for name, _, _ in props)
