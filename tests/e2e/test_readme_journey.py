"""README.md's journey, run as written: a fresh folder, a fresh HOME, nothing installed before.

The block under "## The journey" goes to bash line by line, as typed; the one change is the one
the README offers: flask-kiln is on no index from here, so its install line runs the alternative
its comment gives, ``pip install <checkout>``, with this checkout. The last command,
``kiln serve``, must answer ``/ping`` over HTTP; Ctrl-C (SIGINT to the group) then stops it.

This is the one test that installs everything from nothing (pip's and uv's caches are in the
fresh HOME), so it is slow by design; the other e2e tests share the projects of conftest.py.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from kiln_cli import user_environ

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("journey")]

KILN_ROOT = Path(__file__).resolve().parents[2]
JOURNEY = re.compile(r"^## The journey\n.*?^```sh\n(?P<block>.*?)^```", re.MULTILINE | re.DOTALL)
ALTERNATIVE = re.compile(r"#\s*or, from a clone of kiln: (?P<command>.*<checkout>.*)$")
PING = "http://127.0.0.1:5000/ping"
JOURNEY_TIMEOUT = 1200.0


def journey_commands() -> list[str]:
    """The journey's lines, the install line swapped for the alternative its comment gives."""
    block = JOURNEY.search((KILN_ROOT / "README.md").read_text(encoding="utf-8"))
    assert block, "README.md has no ```sh block under '## The journey'"
    lines = block["block"].splitlines()
    swapped = [
        alternative["command"].replace("<checkout>", str(KILN_ROOT))
        if (alternative := ALTERNATIVE.search(line))
        else line
        for line in lines
    ]
    assert sum(a != b for a, b in zip(lines, swapped, strict=True)) == 1, "one line offers it"
    return swapped


def fresh_environ(home: Path) -> dict[str, str]:
    """A user's shell with a new HOME: no caches, no pip.conf of ours, and none of our venvs."""
    ours = Path(sys.prefix)
    path = [p for p in os.environ["PATH"].split(os.pathsep) if not Path(p).is_relative_to(ours)]
    kept = {
        name: value
        for name, value in user_environ().items()
        if not name.startswith(("UV_", "XDG_", "PIP_CACHE", "KILN_INSTALLER"))
    }
    return {**kept, "HOME": str(home), "PATH": os.pathsep.join(path)}


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_the_readme_journey_ends_with_green_tests_and_a_served_api(tmp_path: Path) -> None:
    if port_taken(5000):
        pytest.skip("something already listens on 127.0.0.1:5000, where the journey serves")
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    script = "set -ex\n" + "\n".join(journey_commands()) + "\n"
    log = tmp_path / "journey.log"
    with log.open("w") as output:
        journey = subprocess.Popen(
            ["bash", "-c", script],
            cwd=work,
            env=fresh_environ(home),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert _wait_for_ping(journey, log) == {"status": "success", "message": "pong!"}
    finally:
        if journey.poll() is None:
            os.killpg(journey.pid, signal.SIGINT)  # Ctrl-C, as typed in the terminal
        try:
            journey.wait(timeout=30)
        finally:
            _destroy_the_database(work / "shop")
    steps = _steps(log.read_text())
    assert journey.returncode == 0, log.read_text()
    assert re.search(r" \d+ passed", steps["kiln test"]), steps["kiln test"]
    assert not re.search(r" \d+ (failed|error)", steps["kiln test"]), steps["kiln test"]
    assert "kiln: installing shop[dev] and kiln" in steps["kiln new shop"]
    assert "Traceback" not in log.read_text()


def _wait_for_ping(journey: subprocess.Popen[bytes], log: Path) -> object:
    """``/ping``'s JSON answer, once ``kiln serve`` gives one; fails if the journey stops first."""
    deadline = time.monotonic() + JOURNEY_TIMEOUT
    while time.monotonic() < deadline:
        if journey.poll() is not None:
            pytest.fail(f"the journey stopped before serving:\n{log.read_text()[-6000:]}")
        try:
            with urllib.request.urlopen(PING, timeout=5) as response:
                return json.load(response)
        except OSError:  # not listening yet, or not answering yet
            time.sleep(1)
    pytest.fail(f"no answer from {PING} in {JOURNEY_TIMEOUT:.0f} s:\n{log.read_text()[-6000:]}")


def _steps(output: str) -> dict[str, str]:
    """What each journey command printed, keyed by the command as bash's ``set -x`` shows it."""
    steps: dict[str, str] = {}
    command = ""
    for line in output.splitlines():
        if line.startswith("+ "):
            command = line[2:]
            steps.setdefault(command, "")
        else:
            steps[command] = steps.get(command, "") + line + "\n"
    return steps


def _destroy_the_database(shop: Path) -> None:
    """The journey's PostgreSQL outlives ``kiln serve``, as the README says: stop and delete it."""
    kiln = shop / ".venv" / "bin" / "kiln"
    if (shop / ".kiln").exists() and kiln.exists():
        subprocess.run([kiln, "db", "destroy", "--yes"], cwd=shop, capture_output=True, check=False)
