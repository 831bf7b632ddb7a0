"""Read YAML with line numbers, so every validation error names file, line and field.

Why not plain `yaml.safe_load`: a compliance editor who mistypes a status in a 900-line file
needs "06-guidelines.yaml:412: items[31].texts[1].status: …", not a bare Pydantic dump. Parsing
(line map, duplicate keys, strict booleans) is `aisgf.sourcefile`, shared with the intake files;
this module adds the catalog's model validation on top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from aisgf import sourcefile
from aisgf.errors import InvalidInput
from aisgf.sourcefile import Path_, dotted

M = TypeVar("M", bound=BaseModel)



def _fmt(path: Path_) -> str:
    return dotted(path) or "(document)"


def parse_yaml(text: str, where: str) -> tuple[Any, dict[Path_, int]]:
    """Parse `text` with the shared strict reader; return the data and a field-path → line map."""
    doc = sourcefile.parse_yaml(text, where)
    return doc.data, doc.lines


def line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of `path`, or of its nearest ancestor that is in the file."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get(())


def error_at(where: str, lines: dict[Path_, int], path: Path_, message: str) -> InvalidInput:
    """Build an InvalidInput that names file, line and field for a problem found after parsing."""
    line = line_for(lines, path)
    field = _fmt(path)
    return InvalidInput(
        f"{field}: {message}",
        where=f"{where}:{line}" if line else where,
        extra={"file": where, "line": line, "field": field},
    )


def validate(model: type[M], data: Any, where: str, lines: dict[Path_, int]) -> M:
    """Validate `data` against `model`; on failure name the first bad field with its line."""
    if not isinstance(data, dict):
        raise InvalidInput(
            f"the file must hold a mapping (got {type(data).__name__})",
            where=where,
            extra={"file": where, "line": 1, "field": None},
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc: Path_ = tuple(p for p in first["loc"] if isinstance(p, str | int))
        msg = first["msg"]
        if first["type"] == "extra_forbidden":
            msg = f"unknown field (accepted: {', '.join(_accepted_fields(model, loc))})"
        elif first["type"] == "literal_error":
            msg = f"{msg} (got {first.get('input')!r})"
        count = len(exc.errors())
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        err = error_at(where, lines, loc, msg + more)
        raise err from exc


def _accepted_fields(model: type[BaseModel], loc: Path_) -> list[str]:
    """Walk the model along `loc` (minus the bad key) to list the fields that would be accepted."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    return sorted(getattr(current, "model_fields", {}).keys())


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def load_file(model: type[M], path: Path, where: str | None = None) -> tuple[M, dict[Path_, int]]:
    """Read, parse and validate one YAML file."""
    label = where or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"file not found: {path}", where=label) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput("file is not UTF-8 text", where=label) from exc
    data, lines = parse_yaml(text, label)
    return validate(model, data, label, lines), lines
