"""A feed larger than the memory Sesam gives a microservice, streamed in flat memory.

The app runs in a process of its own (``flask run``) so that its peak memory (``VmHWM``, Linux)
is its own: serving 150 MB of entities must not take more than a few MB above what it took
before the pull.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import ijson
import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

pytestmark = [
    pytest.mark.commits,
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)"),
]

ENTITIES, PADDING = 50_000, 3_000  # about 150 MB of JSON
SESAM_DEFAULT_MEMORY = 128 * 1024 * 1024
HEADROOM = 32 * 1024 * 1024
STARTUP_SECONDS = 60  # imports alone can take seconds on a loaded machine


def peak_memory(pid: int) -> int:
    """The process's peak resident memory, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/PID/status")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(app: Flask) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The app in a ``flask run`` process of its own, on the test database."""
    port = free_port()
    package = app.import_name.split(".")[0]
    environ = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "KILN_ENV": "testing",
    }
    command = [sys.executable, "-m", "flask", "--app", f"{package}:create_app('testing')"]
    process = subprocess.Popen(
        [*command, "run", "--port", str(port)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_feed_larger_than_memory_streams_in_flat_memory(
    db: SQLAlchemy, server: tuple[str, subprocess.Popen[bytes]]
) -> None:
    url, process = server
    db.session.execute(
        text(
            "INSERT INTO entities (id, body, deleted) "
            "SELECT 'e' || n, jsonb_build_object('_id', 'e' || n, 'pad', repeat('x', :pad)), false "
            "FROM generate_series(1, :count) AS n"
        ),
        {"pad": PADDING, "count": ENTITIES},
    )
    db.session.commit()
    before = peak_memory(process.pid)

    count = size = 0
    with urllib.request.urlopen(f"{url}/entities", timeout=300) as response:
        counted = _Counting(response)
        for _ in ijson.items(counted, "item"):
            count += 1
        size = counted.size

    assert count == ENTITIES
    assert size > SESAM_DEFAULT_MEMORY
    growth = peak_memory(process.pid) - before
    assert growth < HEADROOM, f"the server grew by {growth // 2**20} MB serving {size // 2**20} MB"


class _Counting:
    """A response that counts the bytes read from it."""

    def __init__(self, response: object) -> None:
        self.response, self.size = response, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.response.read(size)  # type: ignore[attr-defined]
        self.size += len(chunk)
        return chunk
