"""`aisgf serve --workers 2`: several server processes over one SQLite file, and no setup link without an admin."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.config import Settings
from aisgf.db import open_database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="finds the answering process through /proc (Linux)"),
]

PASSWORD = "Tiered-Governance-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _socket_inode(server_port: int, client_port: int) -> str:
    """The inode of the server end of one loopback connection, from /proc/net/tcp."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
            return inode
    raise AssertionError(f"no server end of 127.0.0.1:{client_port} → :{server_port} in /proc/net/tcp")


def _serving_process(server_port: int, client_port: int) -> int:
    """The PID of the process holding the server end of the connection from `client_port`."""
    target = f"socket:[{_socket_inode(server_port, client_port)}]"
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) == target for fd in fd_dir.iterdir()):
                return int(fd_dir.parent.name)
        except OSError:  # a process that ended, or one we may not read
            continue
    raise AssertionError(f"no process holds {target}")


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


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
        acc.create_user(s, username="ada", password=PASSWORD, role="admin", by=system_principal("test"))
        user = acc.create_user(s, username="gina", password=PASSWORD, role="governance_lead",
                               by=system_principal("test"))
        acc.start_totp_enrolment(s, user)  # governance leads sign in with a second factor
        acc.confirm_totp_enrolment(s, user, pyotp.TOTP(user.totp_secret).now())
        cookie, _ws = acc.open_session(s, user, after_second_factor=True)
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
        # fresh connections until both worker processes have answered one; each must read the same
        # signed-in person. Which process answered: the one holding the server end of the connection.
        answered: set[int] = set()
        deadline = time.monotonic() + 90  # the second worker may still be starting when the first answers
        while len(answered) < 2 and time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/", headers={"Cookie": f"aisgf_session={cookie}"})
            r = conn.getresponse()
            body = r.read().decode("utf-8")
            assert r.status == 200 and 'id="by-tier"' in body
            answered.add(_serving_process(port, conn.sock.getsockname()[1]))
            conn.close()
            time.sleep(0.05)  # both idle workers wait on the listening socket; either may accept the next
        assert len(answered) == 2, f"only worker {answered} answered fresh connections for 90 s"
        assert all(_parent(pid) == proc.pid for pid in answered), "an answer came from outside the server"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
