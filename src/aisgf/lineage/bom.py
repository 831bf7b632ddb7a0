"""The AI-BOM: a system's models, datasets and components as CycloneDX 1.6 JSON, and a vendor's BOM read back.

Why the library plus a dict: cyclonedx-python-lib 11 builds components, suppliers, purls, pedigree and
the dependency graph, but has no object model for `modelCard` or `component.data` (its own TODO
stubs), so those two are added to the serialised dict and the whole document is then checked by the
library's strict validator against the official 1.6 schema before it leaves. A BOM that does not pass
is never returned, and an imported one that does not pass is refused before anything is written.

Lineage is carried twice, as the schema's two readers expect: `dependencies` (a child model dependsOn
its parents, a model dependsOn its datasets, the system dependsOn what it uses) and each model's
`pedigree.ancestors` (its direct parents). Our own words (model kind, component kind, edge kinds) ride
in `aisgf:*` properties so that a round trip keeps them; a foreign BOM without them gets defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentType, Pedigree
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL
from sqlalchemy import select
from sqlalchemy.orm import Session

from aisgf.accounts.scope import require
from aisgf.errors import InvalidInput, register_messages
from aisgf.lineage import graph
from aisgf.lineage import services as svc
from aisgf.lineage.choices import ComponentKind, EdgeKind, ModelKind, values
from aisgf.lineage.models import Component, Dataset, Model, ModelDataset, ModelEdge, SystemModel, Vendor

if TYPE_CHECKING:
    from aisgf.accounts.principal import Principal

MESSAGES = register_messages({
    "lineage.bom_not_json": "the BOM is not JSON: {error}",
    "lineage.bom_invalid": "the BOM is not valid CycloneDX 1.6 at {path}: {error}",
})

#: Our component kinds as CycloneDX component types, and back (a foreign type not listed is software).
_CDX_TYPE = {ComponentKind.chip: ComponentType.DEVICE, ComponentKind.software: ComponentType.LIBRARY,
             ComponentKind.tool: ComponentType.APPLICATION, ComponentKind.compute: ComponentType.PLATFORM,
             ComponentKind.data_resource: ComponentType.DATA}
_KIND_OF_TYPE = {"device": ComponentKind.chip, "platform": ComponentKind.compute, "application": ComponentKind.tool,
                 "device-driver": ComponentKind.software, "firmware": ComponentKind.software}
_EDGE_OF_MODEL_KIND = {ModelKind.fine_tune: EdgeKind.fine_tune, ModelKind.adapter: EdgeKind.adapter,
                       ModelKind.distillation: EdgeKind.distillation, ModelKind.quantisation: EdgeKind.quantisation,
                       ModelKind.merge: EdgeKind.merge}


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Any:
    """`uniqueItems` in linear time: items compared by their canonical JSON.

    Why: jsonschema compares unhashable items (every component is an object) pairwise, which made
    validating a 1,000-component BOM take seconds; canonical JSON (sorted keys) is equal exactly when
    two JSON values are, except that it tells 1 from 1.0, which no BOM array relies on.
    """
    from jsonschema.exceptions import ValidationError

    if unique and validator.is_type(instance, "array"):
        seen: set[str] = set()
        for item in instance:
            key = json.dumps(item, sort_keys=True, ensure_ascii=False)
            if key in seen:
                yield ValidationError(f"{instance!r} has non-unique elements")
                return
            seen.add(key)


@lru_cache(maxsize=1)
def _schema_validator() -> Any:
    """The official CycloneDX 1.6 schema as the library loads it (its schema, references and format
    checks), with a linear `uniqueItems`; built once per process."""
    from jsonschema.validators import extend

    base = JsonStrictValidator(SchemaVersion.V1_6)._validator  # the library's own Draft 7 validator
    fast = extend(type(base), {"uniqueItems": _unique_items})
    return fast(base.schema, registry=base._registry, format_checker=base.format_checker)


def schema_error(text: str) -> tuple[str, str] | None:
    """The JSON path and message of the first error against the official 1.6 schema, or None when valid."""
    err = next(_schema_validator().iter_errors(json.loads(text)), None)
    if err is None:
        return None
    return str(err.json_path), str(err.message)


def _props(**values: str | list[str]) -> list[Property]:
    out = []
    for k, v in values.items():
        for one in ([v] if isinstance(v, str) else v):
            out.append(Property(name=f"aisgf:{k.replace('_', '-')}", value=one))
    return out


def _supplier(v: Vendor | None) -> OrganizationalEntity | None:
    return OrganizationalEntity(name=v.name) if v is not None else None


def _licences(text: str | None) -> list[Any]:
    return [LicenseFactory().make_from_string(text)] if text else []


# ---------------------------------------------------------------------------------------------- export


def export_bom(session: Session, system_ref: str | int, *, viewer: Principal) -> str:
    """The system's AI-BOM as CycloneDX 1.6 JSON, checked against the official schema."""
    from aisgf.registry.services import get_system

    require(viewer, "lineage.view")
    s = get_system(session, system_ref, viewer=viewer)
    direct = list(session.scalars(select(SystemModel.model_id).where(SystemModel.system_id == s.id)))
    model_ids = graph.ancestors(session, direct)
    models = {m.id: m for m in session.scalars(select(Model).where(Model.id.in_(model_ids)).order_by(Model.id))}
    edges = list(session.execute(select(ModelEdge.child_id, ModelEdge.parent_id, ModelEdge.kind)
                                 .where(ModelEdge.child_id.in_(model_ids)).order_by(ModelEdge.id)))
    model_data = list(session.execute(select(ModelDataset.model_id, ModelDataset.dataset_id, ModelDataset.use)
                                      .where(ModelDataset.model_id.in_(model_ids))))
    sys_data = svc.system_datasets(session, s.id)
    dataset_ids = {d for _, d, _ in model_data} | {d.id for _, d in sys_data}
    datasets = {d.id: d for d in session.scalars(select(Dataset).where(Dataset.id.in_(dataset_ids)))}
    components = svc.system_components(session, s.id)
    vendor_ids = ({m.vendor_id for m in models.values()} | {d.supplier_id for d in datasets.values()}
                  | {c.supplier_id for c in components}) - {None}
    vendors = {v.id: v for v in session.scalars(select(Vendor).where(Vendor.id.in_(vendor_ids)))}

    bom = Bom()
    root = CdxComponent(name=s.name, type=ComponentType.APPLICATION, bom_ref=f"system-{s.key}",
                        version=str(s.version), description=s.description or None,
                        properties=_props(system_key=s.key))
    bom.metadata.component = root
    parents: dict[int, list[tuple[int, str]]] = {}
    for child, parent, kind in edges:
        parents.setdefault(child, []).append((parent, kind))
    cdx_data = {}
    for d in sorted(datasets.values(), key=lambda d: d.name):
        cdx_data[d.id] = CdxComponent(name=d.name, type=ComponentType.DATA, bom_ref=f"dataset-{d.id}",
                                      supplier=_supplier(vendors.get(d.supplier_id or 0)),
                                      properties=_props(source=d.source))
    cdx_models = {}
    for m in models.values():
        ancestors = [CdxComponent(name=models[p].name, version=models[p].version or None,
                                  type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=f"model-{m.id}-parent-{p}")
                     for p, _ in parents.get(m.id, [])]
        cdx_models[m.id] = CdxComponent(
            name=m.name, version=m.version or None, type=ComponentType.MACHINE_LEARNING_MODEL,
            bom_ref=f"model-{m.id}", supplier=_supplier(vendors.get(m.vendor_id or 0)), licenses=_licences(m.licence),
            pedigree=Pedigree(ancestors=ancestors) if ancestors else None,
            properties=_props(kind=m.kind, edge=[f"model-{p} {k}" for p, k in parents.get(m.id, [])],
                              **({"filing_number": m.filing_number} if m.filing_number else {})))
    cdx_components = []
    for c in components:
        cdx_components.append(CdxComponent(
            name=c.name, version=c.version or None, type=_CDX_TYPE[ComponentKind(c.kind)], bom_ref=f"component-{c.id}",
            supplier=_supplier(vendors.get(c.supplier_id or 0)),
            purl=PackageURL.from_string(c.purl) if c.purl else None, properties=_props(kind=c.kind)))
    bom.components.update([*cdx_models.values(), *cdx_data.values(), *cdx_components])
    bom.register_dependency(root, [*(cdx_models[i] for i in direct), *(cdx_data[d.id] for _, d in sys_data),
                                   *cdx_components])
    used: dict[int, list[int]] = {}
    for mid, did, _ in model_data:
        used.setdefault(mid, []).append(did)
    for mid, cm in cdx_models.items():
        bom.register_dependency(cm, [*(cdx_models[p] for p, _ in parents.get(mid, [])),
                                    *(cdx_data[d] for d in sorted(set(used.get(mid, []))))])
    doc = json.loads(JsonV1Dot6(bom).output_as_string())
    by_ref = {c["bom-ref"]: c for c in doc.get("components", [])}
    for mid, m in models.items():
        by_ref[f"model-{mid}"]["modelCard"] = _model_card(m, sorted(set(used.get(mid, []))))
    for d in datasets.values():
        by_ref[f"dataset-{d.id}"]["data"] = [_component_data(d)]
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    err = schema_error(text)
    if err is not None:  # a defect of this module, never of the data: fail loudly rather than hand it out
        raise RuntimeError(f"the exported BOM does not validate against CycloneDX 1.6 at {err[0]}: {err[1]}")
    return text


def _model_card(m: Model, dataset_ids: list[int]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if dataset_ids:
        params["datasets"] = [{"ref": f"dataset-{d}"} for d in dataset_ids]
    manifest_arch = next((f.get("architecture") for f in (m.manifest or []) if f.get("architecture")), None)
    if manifest_arch:
        params["modelArchitecture"] = str(manifest_arch)
    considerations: dict[str, Any] = {}
    if m.intended_use:
        considerations["useCases"] = [m.intended_use]
    if m.limitations:
        considerations["technicalLimitations"] = [m.limitations]
    card: dict[str, Any] = {}
    if params:
        card["modelParameters"] = params
    if considerations:
        card["considerations"] = considerations
    if m.training_data:
        card["properties"] = [{"name": "aisgf:training-data", "value": m.training_data}]
    return card


def _component_data(d: Dataset) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "dataset", "name": d.name}
    if d.collection_method:
        out["description"] = d.collection_method
    sensitive = [w for w, on in (("personal information", d.personal), ("sensitive personal information",
                                                                          d.sensitive), ("important data", d.important))
                 if on]
    if sensitive:
        out["sensitiveData"] = sensitive
    return out


# ---------------------------------------------------------------------------------------------- import


@dataclass
class BomImport:
    """What an imported BOM recorded (labels), and what it found already recorded."""

    models: list[str] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (child, parent, kind)
    components: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def _prop(c: dict[str, Any], name: str) -> list[str]:
    return [p.get("value", "") for p in c.get("properties", []) if p.get("name") == f"aisgf:{name}"]


def _walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Top-level and nested components (not pedigree ancestors: they repeat what `dependencies` says)."""
    out = []
    for c in components:
        out.append(c)
        out.extend(_walk(c.get("components", [])))
    return out


def import_bom(session: Session, text: str, *, by: Principal) -> BomImport:
    """Record a vendor's CycloneDX 1.6 BOM: its models (their dependencies on other models as parent edges)
    and its other components (with purl). An invalid BOM is refused, naming the schema path of its first
    error, before anything is written; any later refusal (a cycle, a bad purl) aborts the caller's
    transaction, so a BOM is recorded whole or not at all."""
    require(by, "lineage.edit")
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise InvalidInput.coded("lineage.bom_not_json", where="bom", error=str(e)[:200]) from None
    err = schema_error(text)
    if err is not None:
        raise InvalidInput.coded("lineage.bom_invalid", where="bom", extra={"path": err[0]}, path=err[0],
                                 error=err[1][:300])
    out = BomImport()
    vendor_ids: dict[str, int] = {}

    def vendor(c: dict[str, Any]) -> int | None:
        name = ((c.get("supplier") or {}).get("name") or "").strip()
        if not name:
            return None
        if name not in vendor_ids:
            v = session.scalar(select(Vendor).where(Vendor.name == name))
            if v is None:
                v = svc.add_vendor(session, by=by, name=name, kind="vendor")
                out.vendors.append(name)
            vendor_ids[name] = v.id
        return vendor_ids[name]

    everything = _walk(doc.get("components", []))
    model_docs = {c.get("bom-ref") or f"#{i}": c for i, c in enumerate(everything)
                  if c.get("type") == "machine-learning-model"}
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc.get("dependencies", [])}
    model_rows: dict[str, Model] = {}
    for ref, c in model_docs.items():
        parent_refs = [p for p in deps.get(ref, []) if p in model_docs]
        kind = next((k for k in _prop(c, "kind") if k in values(ModelKind)), None)
        kind = kind or (ModelKind.fine_tune if parent_refs else ModelKind.foundation)
        name, version = str(c["name"]), str(c.get("version") or "")
        m = session.scalar(select(Model).where(Model.name == name, Model.version == version))
        if m is not None:
            out.existing.append(m.label)
        else:
            card = c.get("modelCard") or {}
            considerations = card.get("considerations") or {}
            licence = next((x.get("license", {}).get("id") or x.get("license", {}).get("name") or x.get("expression")
                            for x in c.get("licenses", [])), None)
            m = svc.add_model(session, by=by, name=name, version=version, kind=kind, vendor=vendor(c),
                              licence=licence,
                              intended_use="\n".join(considerations.get("useCases", [])) or None,
                              limitations="\n".join(considerations.get("technicalLimitations", [])) or None,
                              source_kind="vendor_api" if c.get("supplier") else "none")
            out.models.append(m.label)
        model_rows[ref] = m
    for ref, c in model_docs.items():
        kinds = dict(p.split(" ", 1) for p in _prop(c, "edge") if " " in p)
        for parent_ref in deps.get(ref, []):
            if parent_ref not in model_rows:
                continue
            child, parent = model_rows[ref], model_rows[parent_ref]
            if session.scalar(select(ModelEdge.id).where(ModelEdge.child_id == child.id,
                                                         ModelEdge.parent_id == parent.id)) is not None:
                continue
            kind = kinds.get(parent_ref) or _EDGE_OF_MODEL_KIND.get(ModelKind(child.kind), EdgeKind.fine_tune)
            svc.add_edge(session, child.id, parent.id, kind, by=by)
            out.edges.append((child.label, parent.label, kind))
    for c in everything:
        if c.get("type") in ("machine-learning-model", "data"):
            continue
        kind = next((k for k in _prop(c, "kind") if k in values(ComponentKind)), None)
        kind = kind or _KIND_OF_TYPE.get(c.get("type", ""), ComponentKind.software)
        name, version = str(c["name"]), str(c.get("version") or "")
        row = session.scalar(select(Component).where(Component.kind == kind, Component.name == name,
                                                     Component.version == version))
        if row is not None:
            out.existing.append(svc.component_label(row))
            continue
        row = svc.add_component(session, by=by, kind=kind, name=name, version=version, supplier=vendor(c),
                                purl=c.get("purl"))
        out.components.append(svc.component_label(row))
    return out
