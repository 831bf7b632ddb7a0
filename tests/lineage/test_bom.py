"""The AI-BOM on SQLite and PostgreSQL: a system exported as CycloneDX 1.6 (validated by the official
schema), read back into a fresh database; an invalid BOM refused, naming the schema path, storing nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aisgf.db import Database
from aisgf.errors import Conflict, InvalidInput
from aisgf.lineage import bom
from aisgf.lineage import services as lin
from aisgf.lineage.models import Component, Model, ModelEdge, Vendor
from tests import clirun
from tests.conftest import _from_template, make_settings
from tests.lineage.helpers import system
from tests.people import who


def _supply_chain(db: Database) -> str:
    """Vendor's base ← our fine-tune (trained on a dataset), the system using the fine-tune and vLLM."""
    key = system(db)
    with db.session() as s:
        lead = who(s, "gina")
        v = lin.add_vendor(s, by=lead, name="Zhipu Cloud", kind="vendor", country="CN", supplies=["weights"])
        base = lin.add_model(s, by=lead, name="GLM-4", version="9b", kind="foundation", vendor=v.id,
                             licence="Apache-2.0", intended_use="general chat", limitations="no legal advice")
        tuned = lin.add_model(s, by=lead, name="support-glm", version="1", kind="fine_tune",
                              accountable_team="AI platform", intended_use="customer support",
                              limitations="Chinese and English only")
        lin.add_edge(s, tuned.id, base.id, "fine_tune", by=lead)
        d = lin.add_dataset(s, by=lead, name="cx-logs", source="user_interactions", personal=True)
        lin.link_model_dataset(s, tuned.id, d.id, "fine_tuning", by=lead)
        c = lin.add_component(s, by=lead, kind="software", name="vllm", version="0.6.3", supplier=v.id,
                              purl="pkg:pypi/vllm@0.6.3")
        owner = who(s, "alice", "owner")
        lin.link_system_model(s, key, tuned.id, "primary", by=owner)
        lin.link_system_dataset(s, key, d.id, "retrieval", by=owner)
        lin.link_system_component(s, key, c.id, by=owner)
    return key


@pytest.fixture
def fresh(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A second, empty SQLite database (its own data folder), to import into."""
    database = _from_template(make_settings(tmp_path / "fresh"), sqlite_template)
    yield database
    database.dispose()


def test_export_is_valid_cyclonedx_and_imports_into_a_fresh_database(db: Database, fresh: Database) -> None:
    key = _supply_chain(db)
    with db.session() as s:
        text = bom.export_bom(s, key, viewer=who(s, "gina"))
    assert bom.schema_error(text) is None
    doc = json.loads(text)
    assert doc["specVersion"] == "1.6"
    assert doc["metadata"]["component"]["type"] == "application"
    assert doc["metadata"]["component"]["name"] == "Support assistant"
    comps = {c["name"]: c for c in doc["components"]}
    tuned, base, data, vllm = comps["support-glm"], comps["GLM-4"], comps["cx-logs"], comps["vllm"]
    assert (tuned["type"], base["type"], data["type"], vllm["type"]) == (
        "machine-learning-model", "machine-learning-model", "data", "library")
    assert tuned["modelCard"]["modelParameters"]["datasets"] == [{"ref": data["bom-ref"]}]
    assert tuned["modelCard"]["considerations"] == {"useCases": ["customer support"],
                                                    "technicalLimitations": ["Chinese and English only"]}
    assert [(a["name"], a["version"]) for a in tuned["pedigree"]["ancestors"]] == [("GLM-4", "9b")]
    assert base["supplier"] == {"name": "Zhipu Cloud"} and vllm["supplier"] == {"name": "Zhipu Cloud"}
    assert vllm["purl"] == "pkg:pypi/vllm@0.6.3" and vllm["version"] == "0.6.3"
    assert data["data"][0]["sensitiveData"] == ["personal information"]
    deps = {d["ref"]: set(d.get("dependsOn", [])) for d in doc["dependencies"]}
    assert deps[tuned["bom-ref"]] == {base["bom-ref"], data["bom-ref"]}
    assert deps[doc["metadata"]["component"]["bom-ref"]] == {tuned["bom-ref"], data["bom-ref"], vllm["bom-ref"]}

    with fresh.session() as s:  # a fresh database: the vendor's BOM as another registry receives it
        result = bom.import_bom(s, text, by=who(s, "gina"))
    assert sorted(result.models) == ["GLM-4 9b", "support-glm 1"]
    assert result.edges == [("support-glm 1", "GLM-4 9b", "fine_tune")]
    assert result.components == ["software:vllm@0.6.3"] and result.vendors == ["Zhipu Cloud"]
    with fresh.session() as s:
        got = {m.label: m for m in s.scalars(select(Model))}
        assert set(got) == {"GLM-4 9b", "support-glm 1"}
        assert got["GLM-4 9b"].vendor is not None and got["GLM-4 9b"].vendor.name == "Zhipu Cloud"
        assert got["support-glm 1"].kind == "fine_tune" and got["GLM-4 9b"].licence == "Apache-2.0"
        assert got["support-glm 1"].limitations == "Chinese and English only"
        edge = s.scalar(select(ModelEdge))
        assert edge is not None and (edge.child_id, edge.parent_id, edge.kind) == (
            got["support-glm 1"].id, got["GLM-4 9b"].id, "fine_tune")
        c = s.scalar(select(Component))
        assert c is not None and (c.kind, c.name, c.version, c.purl) == ("software", "vllm", "0.6.3",
                                                                        "pkg:pypi/vllm@0.6.3")
        again = bom.import_bom(s, text, by=who(s, "gina"))  # a second import records nothing twice
        assert (again.models, again.edges, again.components) == ([], [], [])
        assert s.scalar(select(func.count()).select_from(Model)) == 2


def test_a_foreign_bom_without_our_properties_gets_default_kinds(db: Database) -> None:
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "machine-learning-model", "bom-ref": "a", "name": "vendor-base", "version": "2",
         "supplier": {"name": "Acme AI"}},
        {"type": "machine-learning-model", "bom-ref": "b", "name": "vendor-chat", "version": "2"},
        {"type": "device", "bom-ref": "gpu", "name": "Ascend 910B", "version": "B3"}],
        "dependencies": [{"ref": "b", "dependsOn": ["a"]}]}
    with db.session() as s:
        r = bom.import_bom(s, json.dumps(doc), by=who(s, "gina"))
        assert r.edges == [("vendor-chat 2", "vendor-base 2", "fine_tune")]
        assert r.components == ["chip:Ascend 910B@B3"] and r.vendors == ["Acme AI"]
        kinds = {n: k for n, k in s.execute(select(Model.name, Model.kind))}
        assert kinds == {"vendor-base": "foundation", "vendor-chat": "fine_tune"}


def test_an_invalid_bom_is_refused_with_its_schema_path_and_nothing_is_stored(db: Database) -> None:
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "machine-learning-model", "bom-ref": "a", "name": "ok-model"},
        {"type": "library", "bom-ref": "x", "name": "torch", "purl": "pkg:pypi/torch@2.4"},
        {"type": "machine-learning-model", "bom-ref": "b", "name": "bad-model",
         "modelCard": {"modelParameters": {"approach": {"type": "guesswork"}}}}]}
    with db.session() as s, pytest.raises(InvalidInput) as err:
        bom.import_bom(s, json.dumps(doc), by=who(s, "gina"))
    assert err.value.extra["path"] == "$.components[2].modelCard.modelParameters.approach.type"
    assert "components[2].modelCard" in err.value.message and "guesswork" in err.value.message
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Model)) == 0
        assert s.scalar(select(func.count()).select_from(Component)) == 0
        assert s.scalar(select(func.count()).select_from(Vendor)) == 0


def test_a_cycle_in_an_imported_bom_stores_nothing(db: Database) -> None:
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "machine-learning-model", "bom-ref": "a", "name": "m-a", "supplier": {"name": "Loop Co"}},
        {"type": "machine-learning-model", "bom-ref": "b", "name": "m-b"},
        {"type": "library", "bom-ref": "x", "name": "torch", "version": "2.4", "purl": "pkg:pypi/torch@2.4"}],
        "dependencies": [{"ref": "a", "dependsOn": ["b"]}, {"ref": "b", "dependsOn": ["a"]}]}
    with pytest.raises(Conflict, match="cycle"), db.session() as s:
        bom.import_bom(s, json.dumps(doc), by=who(s, "gina"))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Model)) == 0
        assert s.scalar(select(func.count()).select_from(Vendor)) == 0


def test_bom_export_and_import_from_the_shell(tmp_path: Path) -> None:
    from tests.lineage.test_cli import PASSWORD

    env: dict[str, str | None] = {"AISGF_DATA_DIR": str(tmp_path / "data"), "AISGF_ACTOR": "gina",
                                  "COLUMNS": "200", "AISGF_DATABASE_URL": None}

    def run(*args: str) -> clirun.subprocess.CompletedProcess[str]:
        return clirun.in_process(list(args), env={**env, "AISGF_NEW_PASSWORD": PASSWORD}, cwd=tmp_path)

    assert run("db-upgrade").returncode == 0
    assert run("user", "create", "--admin", "ada").returncode == 0
    assert run("user", "create", "gina", "--role", "governance_lead", "--as", "ada").returncode == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                               "components": [{"type": "gadget", "name": "x"}]}), encoding="utf-8")
    p = run("bom", "import", str(bad))
    assert p.returncode != 0 and "$.components[0].type" in p.stderr, p.stderr
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "machine-learning-model", "bom-ref": "a", "name": "base"},
        {"type": "machine-learning-model", "bom-ref": "b", "name": "tuned"}],
        "dependencies": [{"ref": "b", "dependsOn": ["a"]}]}), encoding="utf-8")
    p = run("bom", "import", str(good), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["edges"] == [["tuned", "base", "fine_tune"]]
    p = run("bom", "export", "no-such-system")
    assert p.returncode == 3 and "no-such-system" in p.stderr


def test_the_linear_unique_items_check_agrees_with_the_library_on_duplicates_and_errors() -> None:
    """schema_error swaps jsonschema's quadratic uniqueItems for a linear one: it refuses what the library does."""
    import json as _json

    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    from aisgf.lineage.bom import schema_error

    one = {"type": "library", "name": "vllm", "version": "0.6.3", "bom-ref": "c1"}
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [one, dict(one)]}
    library = JsonStrictValidator(SchemaVersion.V1_6)
    for case in (doc, {**doc, "components": [one]}, {**doc, "components": [{**one, "type": "toaster"}]}):
        text = _json.dumps(case)
        assert (schema_error(text) is None) == (library.validate_str(text) is None), case
    assert schema_error(_json.dumps(doc)) is not None and "non-unique" in schema_error(_json.dumps(doc))[1]
