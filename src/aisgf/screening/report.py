"""Rendering the screening report: JSON for machines and evidence, HTML for people.

Why: the JSON report is what the registry stores as evidence; the HTML page is what a data
reviewer reads. The page is rendered with Jinja2 with autoescaping on, because every sample and
file name in it comes from the screened corpus and may contain markup.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2


def to_json(report: dict[str, Any]) -> str:
    """The report as written to ``--report`` and stored as evidence (same bytes, same SHA-256)."""
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False)


def write_json(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(to_json(report), encoding="utf-8")


def render_html(report: dict[str, Any]) -> str:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: resources.files("aisgf.screening").joinpath(name).read_text(encoding="utf-8")
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda x: "—" if x is None else f"{100 * float(x):.2f} %"
    return env.get_template("report.html").render(r=report)


def write_html(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(render_html(report), encoding="utf-8")
