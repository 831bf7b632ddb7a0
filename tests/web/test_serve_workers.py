"""`aisgf serve --workers 2`: several server processes over one SQLite file, and no setup link without an admin."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from aisgf.accounts import services as acc
from aisgf.config import Settings
from aisgf.db import open_database

PASSWORD = "Tiered-Governance-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data: Path) -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "AISGF_DATA_DIR": str(data), "PYTHONPATH": src}


def test_several_workers_need_an_admin_first(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "aisgf.cli", "serve", "--workers", "2", "--port", str(_free_port())],
                       env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--workers 1" in r.stdout


def test_two_workers_serve_one_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = open_database(Settings(data_dir=data))
    with db.session() as s:
        acc.create_user(s, username="ada", password=PASSWORD, role="admin", actor="test")
        user = acc.create_user(s, username="gina", password=PASSWORD, role="governance_lead", actor="test")
        cookie, _ws = acc.open_session(s, user)
    db.dispose()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aisgf.cli", "serve", "--workers", "2", "--port", str(port)],
                            env=_env(data), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "the server did not start"
                time.sleep(0.2)
        # fresh connections, so both processes answer; each must read the same signed-in person
        for _ in range(8):
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", cookies={"aisgf_session": cookie},
                              timeout=30) as c:
                r = c.get("/")
                assert r.status_code == 200 and 'id="by-tier"' in r.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
