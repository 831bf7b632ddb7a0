"""Keyword libraries: loading, validating and describing the team's own term lists.

Why: TC260-003 §8.1 asks for a keyword library of at least 10,000 terms covering the risks of its
Appendix A, and the framework (§4.1.2(c)) asks that training data hold no sensitive data from
nuclear, biological, chemical and missile weapons. The terms themselves are the team's data, not
code: they live in YAML, CSV or plain-text files that a compliance team edits. A file with a
mistake is refused here, naming the file, line and reason, *before* a long scan starts.

Formats (each keyword has a category, a risk class and a language):

* YAML: ``{name, description, defaults: {category, risk_class, language}, keywords: [...]}`` where
  each item is a string or a mapping ``{keyword, category, risk_class, language}``.
* CSV: a header row with ``keyword`` and optionally ``category``, ``risk_class``, ``language``.
* Plain text: one keyword a line; ``#`` starts a comment line; the category is the file's stem.

The 31 sub-category names of TC260-003 Appendix A are not in our reference, so the shipped example
only uses the framework's own §4.1.2(c) heading; teams map terms to their Appendix A sub-categories.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from aisgf.errors import InvalidInput, NotFound, TooLarge

MAX_KEYWORD_CHARS = 200
DEFAULT_MAX_KEYWORDS = 250_000
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$|^mixed$")
_RISK_CLASS = re.compile(r"^A\.[1-5](?:\.\d{1,2})?$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
EXAMPLE_LIBRARY = "cbrn_example.yaml"


@dataclass(frozen=True)
class Keyword:
    """One term of a library, with where it came from (for error messages and reports)."""

    text: str
    category: str
    risk_class: str
    language: str
    library: str
    line: int


@dataclass
class KeywordLibrary:
    name: str
    source: str
    description: str = ""
    keywords: list[Keyword] = field(default_factory=list)
    duplicates: int = 0

    def summary(self) -> dict[str, Any]:
        by_cat: dict[str, int] = {}
        by_lang: dict[str, int] = {}
        for k in self.keywords:
            by_cat[k.category] = by_cat.get(k.category, 0) + 1
            by_lang[k.language] = by_lang.get(k.language, 0) + 1
        return {
            "name": self.name,
            "source": self.source,
            "keywords": len(self.keywords),
            "duplicates_ignored": self.duplicates,
            "categories": dict(sorted(by_cat.items())),
            "languages": dict(sorted(by_lang.items())),
        }


def example_library_path() -> Path:
    """Path of the shipped example CBRN library (§4.1.2(c)), for `--library example:cbrn`."""
    return Path(str(resources.files("aisgf.screening").joinpath(EXAMPLE_LIBRARY)))


def guess_language(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


class _Builder:
    """Validates entries one by one so that the first mistake is reported with its line."""

    def __init__(self, path: str, name: str, limit: int, description: str = "") -> None:
        self.lib = KeywordLibrary(name=name, source=path, description=description)
        self.path = path
        self.limit = limit
        self.seen: set[tuple[str, str]] = set()

    def add(self, line: int, text: Any, category: Any, risk_class: Any, language: Any) -> None:
        where = f"{self.path}:{line}"
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("empty keyword; every entry needs a non-empty 'keyword'", where=where)
        text = text.strip()
        if len(text) > MAX_KEYWORD_CHARS:
            raise InvalidInput(f"keyword is {len(text)} characters; at most {MAX_KEYWORD_CHARS} accepted", where=where)
        if any(c in text for c in "\x00\n\r"):
            raise InvalidInput("keyword contains a NUL or line break", where=where)
        category = str(category or self.lib.name).strip()
        risk_class = str(risk_class or "").strip()
        if risk_class and not _RISK_CLASS.match(risk_class) and not risk_class.startswith("§"):
            raise InvalidInput(
                f"risk_class {risk_class!r} is not accepted; use A.1-A.5 (TC260-003 Appendix A), "
                "optionally A.n.m, or a framework reference starting with §",
                where=where,
            )
        language = str(language or guess_language(text)).strip()
        if not _LANG.match(language):
            raise InvalidInput(f"language {language!r} is not a language code like zh, en or mixed", where=where)
        key = (text.casefold(), category)
        if key in self.seen:
            self.lib.duplicates += 1
            return
        if len(self.lib.keywords) >= self.limit:
            raise TooLarge(
                f"library has more than {self.limit} keywords; raise max_keywords if this is intended",
                where=where,
            )
        self.seen.add(key)
        self.lib.keywords.append(Keyword(text, category, risk_class, language, self.lib.name, line))


def _load_yaml(path: Path, limit: int) -> KeywordLibrary:
    raw = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(raw, Loader=yaml.SafeLoader)
        data = yaml.safe_load(raw)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise InvalidInput(f"YAML syntax error: {exc.problem}", where=f"{path}:{line}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("keywords"), list):
        raise InvalidInput("a YAML library is a mapping with a 'keywords' list", where=f"{path}:1")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise InvalidInput("'defaults' must be a mapping", where=f"{path}:1")
    lines: list[int] = []
    assert root is not None
    for key_node, value_node in root.value:
        if key_node.value == "keywords":
            lines = [item.start_mark.line + 1 for item in value_node.value]
    b = _Builder(str(path), str(data.get("name") or path.stem), limit, str(data.get("description") or ""))
    for item, line in zip(data["keywords"], lines, strict=True):
        if isinstance(item, str):
            item = {"keyword": item}
        if not isinstance(item, dict):
            raise InvalidInput("each keyword is a string or a mapping with 'keyword'", where=f"{path}:{line}")
        unknown = set(item) - {"keyword", "category", "risk_class", "language", "note"}
        if unknown:
            raise InvalidInput(f"unknown field(s) {sorted(unknown)}", where=f"{path}:{line}")
        b.add(
            line,
            item.get("keyword"),
            item.get("category", defaults.get("category")),
            item.get("risk_class", defaults.get("risk_class")),
            item.get("language", defaults.get("language")),
        )
    return b.lib


def _load_csv(path: Path, limit: int) -> KeywordLibrary:
    b = _Builder(str(path), path.stem, limit)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "keyword" not in reader.fieldnames:
            raise InvalidInput("a CSV library needs a header row with a 'keyword' column", where=f"{path}:1")
        try:
            for row in reader:
                if None in row:
                    raise InvalidInput("row has more cells than the header", where=f"{path}:{reader.line_num}")
                b.add(
                    reader.line_num,
                    row.get("keyword"),
                    row.get("category"),
                    row.get("risk_class"),
                    row.get("language"),
                )
        except csv.Error as exc:
            raise InvalidInput(f"CSV syntax error: {exc}", where=f"{path}:{reader.line_num}") from exc
    return b.lib


def _load_text(path: Path, limit: int) -> KeywordLibrary:
    b = _Builder(str(path), path.stem, limit)
    with path.open(encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            text = line.strip()
            if text and not text.startswith("#"):
                b.add(n, text, None, None, None)
    return b.lib


def load_library(path: str | Path, *, max_keywords: int = DEFAULT_MAX_KEYWORDS) -> KeywordLibrary:
    """Load one library; ``example:cbrn`` names the shipped example. Raises InvalidInput/TooLarge."""
    p = example_library_path() if str(path) == "example:cbrn" else Path(path)
    if not p.is_file():
        raise NotFound(f"keyword library {str(path)!r} does not exist", where=str(path))
    suffix = p.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            return _load_yaml(p, max_keywords)
        if suffix == ".csv":
            return _load_csv(p, max_keywords)
        return _load_text(p, max_keywords)
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"library is not UTF-8 text ({exc.reason} at byte {exc.start})", where=str(p)) from exc


TC260_003_FILE = "tc260-003.yaml"


def _tc260_003() -> dict[str, Any]:
    text = resources.files("aisgf.screening").joinpath(TC260_003_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    kl = data.get("keyword_library") if isinstance(data, dict) else None
    if not isinstance(kl, dict) or not {"total_min", "per_risk_min", "risks_a1_a2"} <= set(kl):
        raise InvalidInput("needs keyword_library with total_min, per_risk_min and risks_a1_a2", where=TC260_003_FILE)
    return data


def _appendix(risk_class: str) -> str | None:
    """"A.1" for A.1 and A.1.n, "A.2" for A.2 and A.2.n; other classes are not counted per risk."""
    for a in ("A.1", "A.2"):
        if risk_class == a or risk_class.startswith(a + "."):
            return a
    return None


def check_tc260_003(libraries: list[KeywordLibrary]) -> dict[str, Any]:
    """The libraries of a run, together, against TC260-003 §8.1: total size, size per risk, coverage.

    Why in the report: a screening whose keyword library falls short cannot show that the corpus
    was screened for the standard's risks, so its technical sample is not a pass (see
    ``meets_tc260_003`` and ``shortfalls``; the registry reads them before attaching evidence).
    Counted per library category and appendix (a category mixing A.1 and A.2 terms is two risks).
    """
    data = _tc260_003()
    kl = data["keyword_library"]
    per_risk: dict[str, int] = {str(k): int(v) for k, v in kl["per_risk_min"].items()}
    total = sum(len(lib.keywords) for lib in libraries)
    counts: dict[tuple[str, str], int] = {}
    for lib in libraries:
        for k in lib.keywords:
            a = _appendix(k.risk_class)
            if a is not None:
                counts[(k.category, a)] = counts.get((k.category, a), 0) + 1
    shortfalls: list[dict[str, Any]] = []
    if total < kl["total_min"]:
        shortfalls.append(
            {"what": "total", "keywords": total, "required": kl["total_min"], "short_by": kl["total_min"] - total}
        )
    categories: dict[str, Any] = {}
    for (cat, a), n in sorted(counts.items()):
        need = per_risk[a]
        name = cat if sum(1 for c, _ in counts if c == cat) == 1 else f"{cat} [{a}]"
        categories[name] = {"category": cat, "appendix": a, "keywords": n, "required": need, "ok": n >= need}
        if n < need:
            shortfalls.append(
                {"what": "category", "category": cat, "appendix": a, "keywords": n, "required": need,
                 "short_by": need - n}
            )
    if len(counts) < kl["risks_a1_a2"]:
        shortfalls.append(
            {"what": "coverage", "appendix": "A.1+A.2", "categories": len(counts), "required": kl["risks_a1_a2"],
             "short_by": kl["risks_a1_a2"] - len(counts)}
        )
    return {
        "requirement": data.get("clause", "TC260-003 §8.1"),
        "meets_tc260_003": not shortfalls,
        "keywords": total,
        "required_keywords": kl["total_min"],
        "required_per_risk": per_risk,
        "required_risks_a1_a2": kl["risks_a1_a2"],
        "categories": categories,
        "other_keywords": total - sum(counts.values()),  # risk_class not A.1/A.2 (e.g. §4.1.2(c) CBRN terms)
        "shortfalls": shortfalls,
        "sources": data.get("sources", []),
    }


def describe_shortfall(s: dict[str, Any]) -> str:
    """One line for people: what falls short and by how much."""
    if s["what"] == "total":
        return f"{s['keywords']} keywords in all, {s['required']} required: {s['short_by']} short"
    if s["what"] == "category":
        return (
            f"category {s['category']} ({s['appendix']}): {s['keywords']} keywords, {s['required']} required: "
            f"{s['short_by']} short"
        )
    return (
        f"{s['categories']} categories mapped to A.1/A.2, {s['required']} risks to cover: {s['short_by']} short"
    )


def load_libraries(paths: list[str], *, max_keywords: int = DEFAULT_MAX_KEYWORDS) -> list[KeywordLibrary]:
    """Load several libraries; the keyword limit applies to all of them together."""
    libs: list[KeywordLibrary] = []
    remaining = max_keywords
    for path in paths:
        lib = load_library(path, max_keywords=remaining)
        remaining -= len(lib.keywords)
        libs.append(lib)
    return libs
