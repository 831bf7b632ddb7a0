"""Read YAML (and JSON) files so that every value keeps the line it came from.

Why: the catalog, the questionnaire, the tiering ruleset and the answer files are edited by people,
not programs; every concern that reads such a file uses this one reader. When one of them is wrong
the message must say *file:line* and what is accepted, so the person can fix it without reading our
code. `yaml.safe_load` forgets positions; here the file
is composed into nodes first and a map from value path (``("rules", 3, "when")``) to line is kept.

The loader is also stricter than PyYAML's default in two ways that matter for governance data:
only ``true``/``false`` are booleans (YAML 1.1's ``yes``/``no``/``on``/``off`` stay strings, so
``sector: no`` or ``public_facing: yes`` cannot silently change meaning), numbers with a dot stay
text (``5.10`` is catalog item 5.10, not the float 5.1), and a key that appears twice in one
mapping is an error instead of "last one wins".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from aisgf.errors import InvalidInput

Path_ = tuple[str | int, ...]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader whose booleans are only true/false (as in YAML 1.2 and JSON)."""


# No implicit floats either: catalog IDs such as 5.2 or 5.10 must stay text (as floats, 5.10 would
# become 5.1), and no governance file here holds a fractional number.
_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input, with where it is and (if it helps) what is accepted."""

    where: str
    message: str
    field: str | None = None
    accepted: list[Any] | None = None
    file: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"where": self.where, "message": self.message}
        if self.line is not None:
            doc["line"] = self.line
        if self.field is not None:
            doc["field"] = self.field
        if self.accepted is not None:
            doc["accepted"] = self.accepted
        return doc


def raise_problems(problems: list[Problem]) -> None:
    """Raise one InvalidInput that carries every problem (first one first), if there are any.

    Why all at once: a person fixing a ruleset or an answer file should not have to run the tool
    once per mistake.
    """
    if not problems:
        return
    first, rest = problems[0], problems[1:]
    message = first.message
    if rest:
        message += "".join(f"\n  {p.where}: {p.message}" for p in rest)
    extra: dict[str, Any] = {"errors": [p.as_dict() for p in problems]}
    if first.file is not None:
        extra.update(file=first.file, line=first.line, field=first.field)
    raise InvalidInput(message, where=first.where, extra=extra)


def dotted(path: Iterable[str | int]) -> str:
    """``("rules", 2, "when")`` → ``rules[2].when`` (how people read a position in a document)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class SourceDoc:
    """A parsed document and the line of every value in it."""

    name: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Iterable[str | int]) -> int | None:
        """Line of the value at `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while True:
            if p in self.lines:
                return self.lines[p]
            if not p:
                return None
            p = p[:-1]

    def where(self, path: Iterable[str | int] = ()) -> str:
        line = self.line(path)
        return f"{self.name}:{line}" if line else self.name

    def problem(
        self, path: Iterable[str | int], message: str, *, accepted: list[Any] | None = None
    ) -> Problem:
        p = tuple(path)
        return Problem(self.where(p), message, field=dotted(p) or None, accepted=accepted, file=self.name,
                       line=self.line(p))

    def pydantic_problems(self, exc: ValidationError, prefix: Path_ = ()) -> list[Problem]:
        """Turn a Pydantic error into problems that point at file lines."""
        problems = []
        for err in exc.errors(include_url=False):
            loc = prefix + tuple(err["loc"])
            name = dotted(loc) or "document"
            problems.append(Problem(self.where(loc), f"{name}: {err['msg']}", field=dotted(loc) or None,
                                    file=self.name, line=self.line(loc)))
        return problems


def _walk(
    loader: _StrictLoader,
    node: yaml.Node,
    path: Path_,
    doc: SourceDoc,
    problems: list[Problem],
    visited: set[int],
) -> None:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in visited:  # an alias: its lines are already known, and it may be recursive
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            try:
                key = loader.construct_object(key_node, deep=True)
            except yaml.YAMLError:
                continue  # reported by construct_document
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int) or isinstance(key, bool):
                problems.append(
                    Problem(f"{doc.name}:{line}", f"{dotted(path) or 'document'}: keys must be text")
                )
                continue
            if key in seen:
                problems.append(
                    Problem(
                        f"{doc.name}:{line}",
                        f"{dotted((*path, key))}: duplicate key '{key}' appears twice in one mapping "
                        f"(first on line {seen[key]})",
                        field=dotted((*path, key)),
                        file=doc.name,
                        line=line,
                    )
                )
            seen[key] = line
            doc.lines[(*path, key)] = line  # the key's line: where a person looks for the field
            _walk(loader, value_node, (*path, key), doc, problems, visited)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(loader, item, (*path, i), doc, problems, visited)


def parse_yaml(text: str, name: str) -> SourceDoc:
    """Parse YAML text into a SourceDoc; bad YAML → InvalidInput with the line of the problem."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        doc = SourceDoc(name, None)
        if node is None:
            return doc
        problems: list[Problem] = []
        _walk(loader, node, (), doc, problems, set())
        raise_problems(problems)
        doc.data = loader.construct_document(node)
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        where = f"{name}:{line}" if line else name
        reason = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InvalidInput(f"not valid YAML: {reason}", where=where,
                           extra={"file": name, "line": line, "field": None}) from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"not valid YAML: {exc}", where=name, extra={"file": name}) from exc
    finally:
        loader.dispose()


def parse_json(text: str, name: str) -> SourceDoc:
    """Parse JSON; lines come from re-reading the (valid) JSON as YAML, which it almost always is."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"not valid JSON: {exc.msg} (column {exc.colno})", where=f"{name}:{exc.lineno}"
        ) from exc
    try:
        doc = parse_yaml(text, name)
    except InvalidInput:
        doc = SourceDoc(name, data)
    doc.data = data
    return doc


def read_source(path: str | Path, *, what: str) -> SourceDoc:
    """Read a YAML or JSON file (by suffix) into a SourceDoc; a missing file is a clear error."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"{what} not found: {p}", where=str(p)) from exc
    except IsADirectoryError as exc:
        raise InvalidInput(f"{what} is a directory, expected a file: {p}", where=str(p)) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{what} is not UTF-8 text: {exc.reason}", where=str(p)) from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read {what}: {exc.strerror}", where=str(p)) from exc
    if p.suffix.lower() == ".json":
        return parse_json(text, str(p))
    return parse_yaml(text, str(p))


def file_stamp(path: Path) -> tuple[str, int, int]:
    """(path, mtime, size): a cache key that changes when a person edits the file."""
    try:
        st = path.stat()
    except OSError:
        return (str(path), 0, 0)
    return (str(path), st.st_mtime_ns, st.st_size)
