"""Pydantic schema for the catalog's YAML files.

Why a schema: regulatory content is data a compliance team edits without a release, so every
file is validated strictly (unknown fields, wrong types, bad IDs are rejected) before the
platform cites a single item ID. The same models describe the shipped framework files, the
operating-model file and an organisation's overlay files.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

Kind = Literal["principle", "section", "risk", "countermeasure", "measure", "guideline"]
KINDS: tuple[str, ...] = ("principle", "section", "risk", "countermeasure", "measure", "guideline")

#: Whom an item is addressed to. `state` is the government side (the framework's "we should …" of
#: section 5, "制定…标准规范", "建立…制度"); the other four are the parties of section 6.
Addressee = Literal["state", "developer", "provider", "key_sector_user", "public"]
ADDRESSEES: tuple[str, ...] = ("state", "developer", "provider", "key_sector_user", "public")
#: The addressees that are organisations a company can be (what the intake's org roles are).
ORGANISATION_ADDRESSEES: tuple[str, ...] = ("developer", "provider", "key_sector_user")
#: Old name of `ADDRESSEES` (before `regulator` became `state`); kept while callers move over.
ROLES = ADDRESSEES
#: Accepted in filters for a while: the old value and the addressee it now is.
DEPRECATED_ADDRESSEES: dict[str, str] = {"regulator": "state"}

#: How trustworthy a text version is, best first. `official` … `third_party_translation` describe
#: framework text; `secondary` is a wording of the framework as a secondary source (a news report,
#: a note by someone who read the text) quotes it, unchecked against the text itself — used for
#: framework 2.0, whose text no stored source holds; `commentary` and `editorial` exist for the
#: operating-model catalog, whose text is not framework text at all: `commentary` is the seed
#: author's own wording about the framework, `editorial` is aisgf's.
TextStatus = Literal[
    "official",
    "official_excerpt",
    "close_paraphrase",
    "third_party_translation",
    "secondary",
    "commentary",
    "editorial",
    "missing",
]
STATUS_ORDER: tuple[str, ...] = (
    "official",
    "official_excerpt",
    "close_paraphrase",
    "third_party_translation",
    "secondary",
    "commentary",
    "editorial",
    "missing",
)

#: `confirmed`: the number is printed in a source; `inferred`: it follows from order or
#: structure but no source prints it; `assigned`: aisgf labels an unnumbered element;
#: `reported`: only a secondary source prints it (framework 2.0).
Numbering = Literal["confirmed", "inferred", "assigned", "reported"]

#: Why a countermeasure/guideline is linked to a risk. Only `editorial` is aisgf's own reading.
Basis = Literal["official_table", "framework_text", "editorial"]

Cut = Literal["start", "end", "both", "middle"]

#: What a source of the table is: the issuer's own page (`primary`), an official body's reprint
#: or an official database copied as is (`official_reprint`), or anyone else (`secondary`).
SourceKind = Literal["primary", "official_reprint", "secondary"]

#: `framework`: a framework's sections and items (aisgf-1.0); `implementation`: instruments and
#: their duty-bearing articles (cn-impl-1.0), validated by `ImplSectionFile`.
Layer = Literal["framework", "implementation"]

ITEM_ID_RE = re.compile(r"^[1-9][0-9]*(\.[0-9]+)*(\.[a-z]|\.p[0-9]{2})?$")
FRAMEWORK_ID_RE = re.compile(r"^[a-z][a-z0-9-]*-[0-9]+\.[0-9]+$")


class Strict(BaseModel):
    """Base: unknown fields are errors, so a typo in a YAML key never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TextVersion(Strict):
    """One wording of an item in one language, with where it came from and how good it is."""

    lang: Lang
    status: TextStatus
    source: str = Field(min_length=1, description="Key of a source in framework.yaml, or an overlay")
    text: str | None = None
    url: str | None = None
    page: int | None = Field(default=None, ge=1)
    cut: Cut | None = Field(default=None, description="For excerpts: where the source text is cut")
    note: str | None = None
    #: Set by the loader for versions that come from an overlay file (the file name); never in YAML.
    overlay: str | None = None

    @model_validator(mode="after")
    def _text_matches_status(self) -> TextVersion:
        if self.status == "missing":
            if self.text:
                raise ValueError("a text version with status 'missing' must not carry text")
        elif not self.text or not self.text.strip():
            raise ValueError(f"a text version with status {self.status!r} needs a non-empty text")
        if self.cut and self.status not in ("official_excerpt", "close_paraphrase", "missing"):
            raise ValueError("'cut' is only meaningful for official_excerpt or close_paraphrase texts")
        return self


class TitleVersion(Strict):
    """A heading in one language. Glosses (not source text) are `third_party_translation`."""

    lang: Lang
    text: str = Field(min_length=1)
    status: TextStatus
    source: str = Field(min_length=1)
    url: str | None = None
    cut: Cut | None = None

    @field_validator("status")
    @classmethod
    def _not_missing(cls, v: str) -> str:
        if v == "missing":
            raise ValueError("leave a missing title out instead of giving it status 'missing'")
        return v


class RiskLink(Strict):
    """`addresses` entry: the countermeasure/measure/guideline answers this risk (or risk section)."""

    risk: str
    basis: Basis
    #: Redundant with `basis == "editorial"` but spelled out in the files, so a reader of the YAML
    #: sees at a glance which links are aisgf's own reading. Filled in when omitted.
    editorial: bool = False
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_editorial(cls, data: Any) -> Any:
        if isinstance(data, dict) and "editorial" not in data:
            data = {**data, "editorial": data.get("basis") == "editorial"}
        return data

    @model_validator(mode="after")
    def _editorial_matches_basis(self) -> RiskLink:
        if self.editorial != (self.basis == "editorial"):
            raise ValueError("'editorial' must be true exactly when basis is 'editorial'")
        return self

    @field_validator("risk")
    @classmethod
    def _risk_id(cls, v: str) -> str:
        if not ITEM_ID_RE.match(v) or not v.startswith("3."):
            raise ValueError(f"{v!r} is not a risk ID from section 3 (e.g. 3.1.1.b)")
        return v


class ItemRecord(Strict):
    """One section or numbered item of the framework as stored in YAML."""

    id: str
    kind: Kind
    parent: str | None = None
    number: Numbering = "confirmed"
    #: Whom the item is addressed to, and why we say so: `framework_text` where its own words (or
    #: its section's lead) name the addressee, `editorial` where it is aisgf's reading.
    addressees: list[Addressee] = Field(default_factory=list)
    addressees_basis: Basis | None = None
    titles: list[TitleVersion] = Field(default_factory=list)
    texts: list[TextVersion] = Field(default_factory=list)
    addresses: list[RiskLink] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _renamed_fields(cls, data: Any) -> Any:
        # A file written before the rename would otherwise get a bare "extra field" error.
        if isinstance(data, dict):
            for old, new in (("roles", "addressees"), ("roles_basis", "addressees_basis")):
                if old in data:
                    raise ValueError(f"'{old}' is now '{new}' (and the value 'regulator' is now 'state')")
        return data

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not ITEM_ID_RE.match(v):
            raise ValueError(f"{v!r} is not an item ID like 6.2.e, 4.1.2 or 1.p01")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ItemRecord:
        for lang in LANGS:
            if not any(t.lang == lang for t in self.texts):
                raise ValueError(
                    f"item {self.id} has no {lang} text version; add one (status 'missing' if none is known)"
                )
        if self.addressees and self.addressees_basis is None:
            raise ValueError(f"item {self.id} lists addressees but no addressees_basis")
        if self.addressees_basis is not None and not self.addressees:
            raise ValueError(f"item {self.id} has an addressees_basis but no addressees")
        if len(set(self.addressees)) != len(self.addressees):
            raise ValueError(f"item {self.id} lists an addressee twice")
        return self


class SourceRecord(Strict):
    title: str
    url: str | None = None
    note: str | None = None
    kind: SourceKind | None = None


class SectionFile(Strict):
    """One file of a framework: a top-level section and everything under it, in document order."""

    framework: str
    section: str
    items: list[ItemRecord] = Field(min_length=1)


class FrameworkFile(Strict):
    """`framework.yaml`: what the framework is, which files hold it, and the source table."""

    framework: str
    version: str = Field(min_length=1, description="Version of this data set, not of the framework")
    title: dict[Lang, str]
    publisher: dict[Lang, str]
    published: str
    files: list[str] = Field(min_length=1)
    sources: dict[str, SourceRecord]
    preamble: list[TextVersion] = Field(default_factory=list)
    note: str | None = None
    layer: Layer = "framework"

    @field_validator("framework")
    @classmethod
    def _framework_id(cls, v: str) -> str:
        if not FRAMEWORK_ID_RE.match(v):
            raise ValueError(f"{v!r} is not a framework id like aisgf-1.0")
        return v


class OverlayText(Strict):
    """One official wording an organisation supplies from its own copy of the framework."""

    id: str
    lang: Lang
    text: str = Field(min_length=1)
    status: Literal["official", "official_excerpt"] = "official"
    page: int | None = Field(default=None, ge=1)
    cut: Cut | None = None
    note: str | None = None


class OverlayFile(Strict):
    """An overlay file: official texts that become primary over the shipped ones."""

    framework: str = "aisgf-1.0"
    source: str = Field(min_length=1, description="What the organisation's copy is, e.g. 'TC260 PDF, 2024-09-09'")
    url: str | None = None
    texts: list[OverlayText] = Field(min_length=1)


# --- operating model ---------------------------------------------------------------------------


class ImplementsLink(Strict):
    """Operating-model element → framework item it helps implement (always aisgf's reading)."""

    item: str
    basis: Basis = "editorial"
    note: str | None = None

    @field_validator("item")
    @classmethod
    def _item_id(cls, v: str) -> str:
        target = v[:-2] if v.endswith(".*") else v
        if not ITEM_ID_RE.match(target):
            raise ValueError(f"{v!r} is not a framework item ID (or a pattern like 4.1.2.*)")
        return v


class OMText(Strict):
    lang: Lang
    text: str = Field(min_length=1)
    status: TextStatus
    source: str = Field(min_length=1)


class OMElement(Strict):
    """An intake question, tier, lane, practice or scenario of the seed's operating model, or the
    seed's prose around them (overview paragraphs, the risk summary's groups and labels)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$")
    kind: Literal["intake_question", "tier", "lane", "practice", "scenario", "overview", "risk_group", "risk_label"]
    title: list[OMText] = Field(default_factory=list)
    texts: list[OMText] = Field(min_length=1)
    implements: list[ImplementsLink] = Field(default_factory=list)
    attributes: dict[str, str | int | list[str]] = Field(default_factory=dict)
    note: str | None = None


class OperatingModelFile(Strict):
    catalog: Literal["operating-model"]
    version: str
    framework: str
    description: str
    statuses: dict[str, str]
    sources: dict[str, SourceRecord]
    elements: list[OMElement] = Field(min_length=1)


class EvidenceTool(Strict):
    """A tool whose report is evidence, and the framework items it is evidence for."""

    name: dict[Lang, str]
    obligations: list[str] = Field(min_length=1)

    @field_validator("obligations")
    @classmethod
    def _item_ids(cls, ids: list[str]) -> list[str]:
        for item in ids:
            if not ITEM_ID_RE.match(item):
                raise ValueError(f"{item!r} is not a framework item ID (like 4.1.2.b)")
        return ids


class EvidenceToolsFile(Strict):
    """`data/evidence-tools.yaml`: which obligations each tool's report serves by default."""

    catalog: Literal["evidence-tools"]
    version: str
    framework: str
    tools: dict[str, EvidenceTool] = Field(min_length=1)


# --- implementation layer (cn-impl-1.0): instruments and the duties their articles impose ------

#: An implementation catalog holds instruments (a law, rule, notice or standard) and the articles
#: or clauses of them that put a duty on the organisation.
ImplKind = Literal["instrument", "article"]
IMPL_KINDS: tuple[str, ...] = ("instrument", "article")

#: `algorec` (the instrument), `algorec.24` (its Article 24), `incident.4.2` (Art. 4, paragraph 2),
#: `xbflow.p01` (an aisgf label where no source prints the article number): an instrument code,
#: then dot-separated parts, the shape the ruleset's catalog references take after the prefix.
IMPL_ITEM_ID_RE = re.compile(r"^[a-z][a-z0-9]*(\.[0-9a-z]+)*$")

#: Who owes a duty. `pi_processor` is the PIPL's 个人信息处理者, `data_processor` the 数据处理者 of
#: the cross-border rules, `network_operator` the 网络运营者 of the incident measures,
#: `technical_supporter` the 技术支持者 of the deep-synthesis rules, `platform` a 网络信息内容传播
#: 服务 provider, `app_store` an 互联网应用程序分发平台.
DutyParty = Literal[
    "provider",
    "technical_supporter",
    "developer",
    "key_sector_user",
    "platform",
    "app_store",
    "network_operator",
    "cii_operator",
    "state_organ",
    "pi_processor",
    "data_processor",
]
#: The event a deadline counts from: the service goes live (`launch`), a change of the service or
#: of filed information (`change`), the service ends (`termination`), the incident is discovered
#: or learnt of (`incident`), a personal-information processing activity (`processing`), a
#: cross-border provision (`transfer`), a contract takes effect (`contract`), content is
#: generated or supplied (`output`), content is published on a platform (`publication`), a filing,
#: registration or assessment is completed (`filing`: the number is issued, the report is ready).
DutyAnchor = Literal[
    "launch",
    "change",
    "termination",
    "incident",
    "processing",
    "transfer",
    "contract",
    "output",
    "publication",
    "filing",
]
DUTY_ANCHORS: tuple[str, ...] = (
    "launch",
    "change",
    "termination",
    "incident",
    "processing",
    "transfer",
    "contract",
    "output",
    "publication",
    "filing",
)

#: `before` the event (amount = at least that long before, or none: any time before); `within`
#: a period after it (amount none: promptly, no number given); `at` the time of it; `after` it.
DutyWhen = Literal["before", "within", "at", "after"]
DutyUnit = Literal["minutes", "hours", "days", "working_days", "months", "years"]
InstrumentForm = Literal[
    "law", "administrative_regulation", "departmental_rule", "normative_document", "national_standard"
]
_DATE_RE = r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"


class Bilingual(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class DutyDue(Strict):
    """When a duty falls due: ``{relative_to: launch, when: within, amount: 10, unit: working_days}``."""

    relative_to: DutyAnchor
    when: DutyWhen
    amount: int | None = Field(default=None, ge=1)
    unit: DutyUnit | None = None

    @model_validator(mode="after")
    def _amount_and_unit(self) -> DutyDue:
        if (self.amount is None) != (self.unit is None):
            raise ValueError("give 'amount' and 'unit' together, or neither")
        if self.when == "at" and self.amount is not None:
            raise ValueError("a duty due 'at' the event takes no amount")
        return self


class DutyPeriod(Strict):
    """A minimum period records must be kept (``retain: {amount: 6, unit: months}``)."""

    amount: int = Field(ge=1)
    unit: DutyUnit


class Duty(Strict):
    """What an article asks of the organisation, in a form a decision can compute with."""

    owed_by: list[DutyParty] = Field(min_length=1)
    due: DutyDue
    retain: DutyPeriod | None = None
    condition: Bilingual | None = None
    summary: Bilingual
    #: `official` when the summary is the article's own words; `editorial` when they are aisgf's.
    summary_status: Literal["official", "editorial"]

    @field_validator("owed_by")
    @classmethod
    def _no_twice(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("lists a party twice")
        return v


class InstrumentInfo(Strict):
    """Who issued an instrument, when, from when it applies, and where its text is published."""

    form: InstrumentForm
    issuer: Bilingual
    issued: str | None = Field(default=None, pattern=_DATE_RE, description="None where no source read gives it")
    in_force: str | None = Field(default=None, pattern=_DATE_RE)
    number: str | None = Field(default=None, description="The document number, e.g. 国家互联网信息办公室令第11号")
    url: str | None = None
    note: str | None = None


class ImplItemRecord(ItemRecord):
    """An instrument or a duty-bearing article of the implementation catalog."""

    kind: ImplKind  # type: ignore[assignment]  # the implementation layer's own vocabulary
    instrument: InstrumentInfo | None = None
    duty: Duty | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:  # replaces ItemRecord._id_shape
        if not IMPL_ITEM_ID_RE.match(v):
            raise ValueError(f"{v!r} is not an implementation item ID like algorec, algorec.24 or incident.4.2")
        return v

    @model_validator(mode="after")
    def _impl_consistent(self) -> ImplItemRecord:
        if self.kind == "instrument":
            if self.instrument is None or self.duty is not None or "." in self.id:
                raise ValueError(f"instrument {self.id} needs an 'instrument' block, no 'duty' and an ID without dots")
        else:
            if self.duty is None or self.instrument is not None or "." not in self.id:
                raise ValueError(f"article {self.id} needs a 'duty' block, no 'instrument' and an ID like code.number")
        for version in self.texts:
            if version.status in ("official", "official_excerpt") and not version.url:
                raise ValueError(f"item {self.id}: an {version.status} {version.lang} text needs a url to check it at")
        return self


class ImplSectionFile(SectionFile):
    """One file of an implementation catalog: one instrument and its articles."""

    items: list[ImplItemRecord] = Field(min_length=1)  # type: ignore[assignment]


#: Which section-file schema a `framework.yaml` layer uses (read by the loader).
SECTION_FILE_TYPES: dict[str, type[SectionFile]] = {"framework": SectionFile, "implementation": ImplSectionFile}
