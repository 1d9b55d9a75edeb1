"""``kiln watch`` for real: first run, a save, the rerun's verdict, Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
import time

from kiln_cli import start_kiln
from mini_project import Mini

VERDICT = re.compile(r"^(PASSED|FAILED) in \d+\.\d\d s$")
FOCUSED = """
import pytest


@pytest.mark.focus
def test_watched(client):
    assert client.get("/notes").status_code == {status}
"""


def test_watch_reruns_the_saved_test_and_stops_on_ctrl_c(mini: Mini) -> None:
    mini.write("tests/test_watched.py", FOCUSED.format(status=200))
    watcher = start_kiln(
        *("watch", "-q"),
        cwd=mini.root,
        env={"PYTHONPATH": str(mini.root / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines = _reader(watcher)
    try:
        first = _next_verdict(lines)
        mini.write("tests/test_watched.py", FOCUSED.format(status=418))  # same length, at once
        second = _next_verdict(lines)
        package = mini.root / "src/mini/__init__.py"
        package.write_text(package.read_text())  # no test imports it; the focused one still runs
        third = _next_verdict(lines)
    finally:
        os.killpg(watcher.pid, signal.SIGINT)
        watcher.wait(timeout=30)
        (mini.root / "tests/test_watched.py").unlink()
    assert "PASSED" in first, first
    assert "FAILED" in second, second
    assert "tests/test_watched.py" in second
    assert "1 failed" in second
    assert "running only 1 test marked @pytest.mark.focus" in second
    assert "src/mini/__init__.py → focused tests (marked in tests/test_watched.py)" in third
    assert "1 failed" in third
    assert "passed" not in third  # the six unfocused tests of test_notes.py did not run
    output = _drain(lines)
    assert watcher.returncode == 0
    assert "kiln watch stopped." in output
    assert "Traceback" not in output
    assert "\x1b[" not in first + second + third + output  # bold and colours on a terminal only


def _reader(process: subprocess.Popen) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _drain(lines: queue.Queue[str], timeout: float = 30) -> str:
    """What the watcher printed after the last verdict, once it has exited (quiet for 1 s)."""
    rest: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            rest.append(lines.get(timeout=1))
        except queue.Empty:
            return "".join(rest)
    raise AssertionError(
        f"the watcher kept printing for {timeout} s after it exited:\n{''.join(rest)}"
    )


def _next_verdict(lines: queue.Queue[str], timeout: float = 60) -> str:
    """Everything printed up to and including kiln's next verdict line."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if VERDICT.match(line):
            return "".join(seen)
    raise AssertionError("no verdict within the timeout:\n" + "".join(seen))
