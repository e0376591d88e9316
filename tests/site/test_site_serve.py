"""`mkdocs serve` from the repository root rebuilds when a file in postmortems/ changes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_fixtures import make_repo


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and text in body:
            return True
        time.sleep(0.5)
    return False


@contextmanager
def serving(root: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`mkdocs serve` (with these options) in `root` on a free port: its address, then stopped."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", *options, "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_serve_reloads_when_a_postmortem_changes(tmp_path):
    root = make_repo(tmp_path / "repo", synthetic=3, special=True)
    with serving(root) as address:
        page = f"{address}/postmortems/2025-05-06-cache-stampede/"
        assert wait_for(page, "Cache stampede after deploy", 90), "site was not served"
        source = root / "postmortems" / "2025-05-06-cache-stampede.md"
        source.write_text(
            source.read_text("utf-8").replace(
                "title: Cache stampede after deploy", "title: Cache stampede, revised"
            ),
            "utf-8",
        )
        assert wait_for(page, "Cache stampede, revised", 45), "no rebuild after the change"
        assert wait_for(f"{address}/", "Cache stampede, revised", 10)
