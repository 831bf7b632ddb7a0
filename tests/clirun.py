"""Run `aisgf …` in this process, as the installed command would, or as a real process for smoke tests.

Why in-process: starting Python, importing the CLI and its concerns costs about a second per command;
the CLI tests run dozens. `in_process` calls the same `aisgf.cli.main` the console script calls (so the
exit codes and the error messages on stderr are the real ones) under click's CliRunner isolation, with
the environment the command would get. The caches that depend on the environment are cleared around
each run: the settings (`get_settings`); the catalog's cache is keyed by its overlay folder and files,
the questionnaire's and ruleset's by path and mtime, so they stay valid. `as_process` keeps one real
subprocess per command group, so the console script, imports and process exit stay covered too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from typer.testing import CliRunner


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _clear_caches() -> None:
    from aisgf.config import get_settings

    get_settings.cache_clear()


def in_process(args: tuple[str, ...] | list[str], *, env: Mapping[str, str | None], cwd: Path,
               input: str | None = None) -> subprocess.CompletedProcess[str]:
    """`aisgf *args` through `aisgf.cli.main` here; `env` is applied on top of os.environ (None removes)."""
    from aisgf.cli import main

    runner = CliRunner()
    code: int = 0
    _clear_caches()
    try:
        with _cwd(cwd), runner.isolation(input=input, env=dict(env)) as (out, err, _):
            argv = sys.argv
            sys.argv = ["aisgf", *args]
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                sys.argv = argv
                sys.stdout.flush()
                sys.stderr.flush()
            stdout, stderr = out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
    finally:
        _clear_caches()
    return subprocess.CompletedProcess(["aisgf", *args], code, stdout, stderr)


def as_process(args: tuple[str, ...] | list[str], *, env: Mapping[str, str | None], cwd: Path,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`aisgf *args` as a real process: the console script next to this Python, else `python -m aisgf.cli`."""
    full = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    src = str(Path(__file__).resolve().parents[1] / "src")
    full["PYTHONPATH"] = os.pathsep.join(p for p in (src, full.get("PYTHONPATH")) if p)
    exe = shutil.which("aisgf", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "aisgf.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=full, cwd=cwd, timeout=timeout)
