"""The one-off catalog extractor still runs from its place outside the package and gives the catalog.

Why: ``tools/catalog_extract/`` is kept for provenance and for re-runs when a source gains text; a
move (it left ``src/aisgf/catalog/data/tools/``) must not silently break it. The operating model is
extracted from the seed in the test fixtures and must equal the packaged YAML byte for byte, except
its first comment line, which names where the script lived when the YAML was generated.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "catalog_extract"
SEED = ROOT / "tests" / "catalog" / "fixtures" / "seed.txt"
PACKAGED = ROOT / "src" / "aisgf" / "catalog" / "data" / "operating-model" / "operating-model.yaml"


def test_the_extractor_left_the_package() -> None:
    assert not (ROOT / "src" / "aisgf" / "catalog" / "data" / "tools").exists()
    assert (TOOLS / "extract_framework_1_0.py").is_file()


def test_operating_model_extraction_reproduces_the_catalog(tmp_path: Path) -> None:
    out = tmp_path / "operating-model.yaml"
    proc = subprocess.run(
        [sys.executable, str(TOOLS / "extract_operating_model.py"), str(SEED), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # the script finds its sibling module by its own folder, not the caller's
    )
    assert proc.returncode == 0, proc.stderr
    made = out.read_text(encoding="utf-8").splitlines(keepends=True)
    packaged = PACKAGED.read_text(encoding="utf-8").splitlines(keepends=True)
    assert made[0].startswith("# Generated once by tools/catalog_extract/extract_operating_model.py")
    assert made[1:] == packaged[1:]
