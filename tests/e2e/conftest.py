"""A real aisgf server on a loopback port and Debian's Chromium driven by Playwright.

Why Debian's Chromium: `playwright install` downloads its own browser build, which CI cannot reach;
the pip `playwright` package drives `/usr/bin/chromium` just as well (see the ecosystem notes).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aisgf.config import Settings
from aisgf.db import Database, open_database
from aisgf.web.app import create_app

CHROMIUM = os.environ.get("AISGF_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


class LiveServer:
    def __init__(self, app: Any, db: Database):
        import uvicorn

        self.app, self.db = app, db
        # the server's own bound socket (port 0: the kernel picks), so parallel workers never race for a port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("e2e") / "data", max_upload_bytes=1024 * 1024)
    db = open_database(settings)
    app: Any = create_app(settings, db)
    app.state.setup_token = "e2e-setup-token"
    server = LiveServer(app, db)
    server.start()
    yield server
    server.stop()
    db.dispose()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: AISGF_SCREENSHOT_DIR (e.g. docs/screenshots) or a temporary folder."""
    target = os.environ.get("AISGF_SCREENSHOT_DIR")
    path = Path(target) if target else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path
