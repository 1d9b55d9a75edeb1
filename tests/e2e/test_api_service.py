"""A generated api project, installed as a user installs it: its own suite, then the served API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Installed, project_environ

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("installed")]


def test_its_own_suite_is_green_under_kiln_test(installed_project: Installed) -> None:
    result = installed_project.kiln("test", "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "TOTAL" in result.stdout  # the coverage report, with missing lines
    assert "Traceback" not in result.stderr


@pytest.fixture
def served(installed_project: Installed) -> Iterator[str]:
    """``kiln serve`` on a free port; stopped with Ctrl-C, then the database too."""
    port = _free_port()
    server = subprocess.Popen(
        [str(installed_project.bin / "kiln"), "serve", "--port", str(port)],
        cwd=installed_project.root,
        env=project_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/ping", server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert "Traceback" not in output
    stopped = installed_project.kiln("db", "down")
    assert stopped.returncode == 0, stopped.stderr
    data_dir = (installed_project.root / ".kiln").resolve()
    leftovers = subprocess.run(["pgrep", "-f", "postgres"], capture_output=True, text=True)
    for pid in leftovers.stdout.split():
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        assert str(data_dir) not in cmdline


def test_kiln_serve_speaks_the_seed_004_contract(served: str) -> None:
    assert _call("GET", f"{served}/ping") == (200, {"status": "success", "message": "pong!"})

    status, created = _call(
        "POST", f"{served}/users", {"username": "ada", "email": "ada@example.com"}
    )
    assert status == 201
    assert created["username"] == "ada"
    assert created["active"] is True
    user = f"{served}/users/{created['id']}"

    status, listed = _call("GET", f"{served}/users")
    assert status == 200
    assert any(u["email"] == "ada@example.com" for u in listed)

    assert _call("GET", user) == (200, created)
    status, body = _call("POST", f"{served}/users", {"username": "x", "email": "ada@example.com"})
    assert status == 409
    assert "email already exists" in body["message"]
    status, body = _call("POST", f"{served}/users", {"username": "", "email": "nope"})
    assert status == 400
    assert set(body["errors"]) == {"username", "email"}

    status, updated = _call("PUT", user, {"username": "ada2"})
    assert (status, updated["username"]) == (200, "ada2")
    assert _call("DELETE", user)[0] == 204
    status, body = _call("GET", user)
    assert status == 404
    assert body["message"] == f"User {created['id']} does not exist"

    assert _call("GET", f"{served}/nowhere")[0] == 404
    assert _call("PATCH", f"{served}/ping")[0] == 405
    assert _call("POST", f"{served}/users", b"{not json")[0] == 400


def _call(method: str, url: str, body: object = None) -> tuple[int, object]:
    """One real HTTP request; every answer, error or not, must be JSON (or empty for 204)."""
    data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw) if raw else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"kiln serve exited early:\n{server.stdout.read()}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"kiln serve did not answer {url} within {timeout} s")
