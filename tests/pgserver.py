"""Start a throwaway PostgreSQL server for the tests (as the `postgres` user when we are root), one per
xdist worker (each worker is its own pytest session).

Why in the test suite itself: `pytest` alone must run the PostgreSQL tests on any machine that has
the server binaries under /usr/lib/postgresql/*/bin; CI must not silently skip them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> str | None:
    hits = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(hits[-1]) if hits else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    bindir: str
    datadir: str
    port: int
    prefix: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        subprocess.run([*self.prefix, f"{self.bindir}/pg_ctl", "-D", self.datadir, "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(self.datadir, ignore_errors=True)


def start() -> PgServer:
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    datadir = tempfile.mkdtemp(prefix="aisgf-pg-")
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(datadir, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*prefix, f"{bindir}/initdb", "-D", datadir, "-A", "trust", "-U", "postgres", "--no-sync",
                    "-E", "UTF8", "--locale=C"], check=True, capture_output=True)
    # Each xdist worker starts its own server; a port found free can be taken by another worker before
    # PostgreSQL binds it, so a failed start is tried again on another port.
    for _attempt in range(3):
        port = _free_port()
        opts = f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off " \
               "-c synchronous_commit=off -c max_connections=100"
        proc = subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", datadir, "-o", opts, "-l", f"{datadir}/log",
                               "-w", "-t", "60", "start"], capture_output=True, text=True)
        if proc.returncode == 0:
            break
    if proc.returncode != 0:
        logfile = f"{datadir}/log"
        log = Path(logfile).read_text() if os.path.exists(logfile) else ""
        raise RuntimeError(f"PostgreSQL did not start: {proc.stderr}\n{log}")
    server = PgServer(bindir, datadir, port, prefix)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("PostgreSQL did not accept connections")
