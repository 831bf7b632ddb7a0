"""The layer check: imports point one way (docs/architecture.md, "What may import what").

Read from the source with `ast`, so it sees lazy imports inside functions too. Each rule lists the
exceptions that exist today by file; a new import that breaks a rule fails here, and an exception
that disappears must be struck from its list (so the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "aisgf"

#: Modules every layer may use; they import no concern (and `base` nothing of aisgf at all).
FOUNDATION = {"errors", "config", "sourcefile", "base"}
#: The concerns (one folder each).
CONCERNS = {"catalog", "intake", "registry", "audit", "accounts", "organisation", "lineage", "screening", "labeling"}
#: Libraries that run without a database (on laptops and Dask workers).
LIBRARIES = {"screening", "labeling"}
#: Only these modules may mount the concerns: the app factory, the server that starts it, the CLI root.
APP_SIDE = {"web/app.py", "web/server.py", "cli.py"}


def _imports() -> dict[str, set[str]]:
    """Map each source file (relative to src/aisgf) to the aisgf modules it imports."""
    out: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("migrations/versions/"):
            continue
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("aisgf")}
            elif (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                  and node.module.startswith("aisgf")):
                found.add(node.module)
        out[rel] = found
    return out


IMPORTS = _imports()


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _owner(rel: str) -> str:
    return rel.split("/")[0].removesuffix(".py")


def _breaks(rule, allowed: dict[str, set[str]]) -> tuple[list[str], list[str]]:
    """New breaks of `rule` (file: module) and listed exceptions that no longer exist."""
    new, seen = [], set()
    for rel, mods in sorted(IMPORTS.items()):
        for mod in sorted(mods):
            if rule(rel, mod):
                if mod in allowed.get(rel, set()):
                    seen.add((rel, mod))
                else:
                    new.append(f"{rel}: imports {mod}")
    stale = [f"{r}: {m}" for r, ms in allowed.items() for m in ms if (r, m) not in seen]
    return new, stale


def _check(rule, allowed: dict[str, set[str]] | None = None) -> None:
    new, stale = _breaks(rule, allowed or {})
    assert not new, "layer broken:\n" + "\n".join(new)
    assert not stale, "exception no longer needed, strike it from the list:\n" + "\n".join(stale)


def test_the_check_sees_the_source() -> None:
    # A rule over no files cannot fail: make sure the walk found the code and its lazy imports.
    assert "registry/services.py" in IMPORTS and len(IMPORTS) > 80
    assert "aisgf.web.app" in IMPORTS["web/server.py"]  # imported inside a function


def test_foundation_imports_no_concern() -> None:
    def rule(rel: str, mod: str) -> bool:
        me = _owner(rel)
        if me == "base":
            return True  # base imports nothing of aisgf
        return me in FOUNDATION and _top(mod) not in FOUNDATION
    _check(rule)


@pytest.mark.parametrize("models", sorted(p for p in IMPORTS if p.endswith("/models.py")))
def test_models_import_only_base_and_foundation(models: str) -> None:
    """A concern's tables import base, the foundation and their own concern; people own things, so
    any table may point at an account (`aisgf.accounts.models`, which itself imports no concern)."""
    me = _owner(models)
    def rule(rel: str, mod: str) -> bool:
        return rel == models and _top(mod) not in FOUNDATION | {me} and mod != "aisgf.accounts.models"
    _check(rule)


def test_nothing_but_the_app_side_mounts_the_concerns() -> None:
    def rule(rel: str, mod: str) -> bool:
        return rel not in APP_SIDE and mod in {"aisgf.web.app", "aisgf.web.server", "aisgf.cli"}
    _check(rule)


def test_the_web_kit_holds_no_concern_rules_beyond_todays() -> None:
    """The web kit holds no concern's rules: pages live beside their concern; of web/ only the router
    dependencies that authenticate the acting principal (authz, deps) import a concern (accounts)."""
    def rule(rel: str, mod: str) -> bool:
        return rel.startswith("web/") and rel not in APP_SIDE and _top(mod) in CONCERNS
    today = {rel: {m for m in mods if _top(m) in CONCERNS}
             for rel, mods in IMPORTS.items()
             if rel.startswith("web/") and rel not in APP_SIDE and any(_top(m) in CONCERNS for m in mods)}
    # Frozen list, written out so a new page handler importing a concern is seen in review.
    assert set(today) <= KNOWN_WEB_CONCERN_IMPORTS, sorted(set(today) - KNOWN_WEB_CONCERN_IMPORTS)
    assert set(today) >= KNOWN_WEB_CONCERN_IMPORTS, sorted(KNOWN_WEB_CONCERN_IMPORTS - set(today))
    _check(rule, today)


KNOWN_WEB_CONCERN_IMPORTS = {"web/authz.py", "web/deps.py"}


def test_libraries_import_nothing_of_the_registry_or_the_web() -> None:
    """screening/ and labeling/ run without a database: the registry imports their report formats
    (registry/tool_reports.py), and only their CLI's `--attach-to` calls that bridge."""
    def rule(rel: str, mod: str) -> bool:
        if _owner(rel) not in LIBRARIES:
            return False
        if rel.endswith("/cli.py") and mod == "aisgf.registry.tool_reports":
            return False
        return _top(mod) in {"registry", "web", "accounts", "audit", "db", "intake"}
    _check(rule)


def test_concerns_do_not_import_the_web_except_their_routers() -> None:
    """A concern's services, models and CLI know nothing of HTTP; its router (api.py) and its pages
    (pages.py, or a pages/ folder) use the web kit."""
    def rule(rel: str, mod: str) -> bool:
        is_web_side = rel.endswith(("/api.py", "/pages.py")) or "/pages/" in rel
        return _owner(rel) in CONCERNS and _top(mod) == "web" and not is_web_side
    _check(rule)
