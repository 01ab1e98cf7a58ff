"""A real `lawdocs serve` process for the tests that talk to it over HTTP (the server tests, the browser test)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def serve_index(index_dir: Path) -> Iterator[str]:
    """Run `lawdocs serve --index INDEX_DIR` as a real process on a free loopback port; yield its base URL once
    /health says ok, and stop it afterwards. (A plain generator: the server tests and the browser test yield from it.)"""
    port = free_port()
    base = f"http://{HOST}:{port}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lawdocs",
            "serve",
            "--index",
            str(index_dir),
            "--host",
            HOST,
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        ready = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{base}/health", timeout=1).json().get("status") == "ok":
                    ready = True
                    break
            except (httpx.TransportError, ValueError):
                pass
            time.sleep(0.2)
        if not ready:
            proc.kill()
            output = proc.communicate(timeout=10)[0].decode(errors="replace")
            pytest.fail(f"server did not start: {output}")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
