"""`exam serve` offers the same app in a browser: the page and its terminal script are served on localhost."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_exam_serve_serves_the_app_page(tmp_path: Path) -> None:
    """The server answers on the given port with the page that runs the exam app through textual-serve."""
    port = _free_port()
    env = {**os.environ, "EXAM_DB": str(tmp_path / "store"), "EXAM_CONFIG": str(tmp_path / "none.yaml")}
    server = subprocess.Popen(
        [sys.executable, "-m", "exam", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert server.stdout is not None
    try:
        deadline = time.monotonic() + 30
        page = ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.1)
        assert "textual.js" in page, server.stdout.read().decode() if server.poll() is not None else page
        assert f"127.0.0.1:{port}" in page
    finally:
        server.terminate()
        server.wait(timeout=10)
