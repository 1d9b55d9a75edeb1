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
    watcher, lines = _watch(mini)
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


def _watch(mini: Mini) -> tuple[subprocess.Popen, queue.Queue[str]]:
    """``kiln watch -q`` in the mini project, in a session of its own (Ctrl-C reaches it with
    ``killpg``), and the lines it prints."""
    watcher = start_kiln(
        *("watch", "-q"),
        cwd=mini.root,
        env={"PYTHONPATH": str(mini.root / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return watcher, _reader(watcher)


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


def _next_verdict(
    lines: queue.Queue[str], timeout: float = 60, pattern: re.Pattern[str] = VERDICT
) -> str:
    """Everything printed up to and including kiln's next verdict line."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if pattern.match(line):
            return "".join(seen)
    raise AssertionError("no verdict within the timeout:\n" + "".join(seen))


WORDS = """GREETING = "{greeting}"


def shout(text):
    return text.upper(){shout_extra}


def whisper(text):
    return text.lower()
"""
WORDS_TESTS = """from mini.words import GREETING, shout, whisper


def test_shout():
    assert shout("a") == "A"


def test_whisper():
    assert whisper("A") == "a"


def test_greeting():
    assert GREETING.startswith("h")
"""
RUN_LINE = re.compile(r"^(PASSED|FAILED|NOTHING TO RERUN) in \d+\.\d\d s$")


def test_watch_reruns_only_the_tests_a_change_can_affect(mini: Mini) -> None:
    mini.write("src/mini/words.py", WORDS.format(greeting="hello", shout_extra=""))
    mini.write("tests/test_words.py", WORDS_TESTS)
    watcher, lines = _watch(mini)
    try:
        first = _next_verdict(lines, pattern=RUN_LINE)
        # a function's body: only the test that executed it
        mini.write("src/mini/words.py", WORDS.format(greeting="hello", shout_extra=" + ''"))
        body = _next_verdict(lines, pattern=RUN_LINE)
        # module level: every test that reaches the module
        mini.write("src/mini/words.py", WORDS.format(greeting="hi", shout_extra=" + ''"))
        module = _next_verdict(lines, pattern=RUN_LINE)
        mini.write("src/mini/orphan.py", "def unused():\n    return 1\n")
        orphan = _next_verdict(lines, pattern=RUN_LINE)
    finally:
        os.killpg(watcher.pid, signal.SIGINT)
        watcher.wait(timeout=30)
        for name in ("tests/test_words.py", "src/mini/words.py", "src/mini/orphan.py"):
            (mini.root / name).unlink(missing_ok=True)
    assert "9 passed" in first, first
    assert "1 affected test in 1 file (src/mini/words.py: shout)" in body, body
    assert "1 passed, 2 deselected" in body, body
    assert "3 affected tests in 1 file (src/mini/words.py: module-level change)" in module, module
    assert "3 passed" in module, module
    assert "test_notes" not in body + module
    expected = "nothing to rerun (no test reaches src/mini/orphan.py: module-level change)"
    assert expected in orphan, orphan
    assert "NOTHING TO RERUN in" in orphan
    assert "passed" not in orphan


SPAWNING_TEST = """import os
import subprocess
import sys

from mini.words import whisper


def test_whisper():
    assert whisper("A") == "a"


def test_whisper_in_a_program():
    code = "from mini.words import whisper; print(whisper('A'))"
    env = {**os.environ, "PYTHONPATH": "src"}
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert ran.stdout == "a\\n", ran.stderr
"""
INTERIM = re.compile(r"^(PASSED|FAILED) in \d+\.\d\d s so far; now 1 test that starts a program")


def test_watch_gives_the_traced_tests_verdict_before_running_a_program_it_cannot_trace(
    mini: Mini,
) -> None:
    mini.write("src/mini/words.py", WORDS.format(greeting="hello", shout_extra=""))
    mini.write("tests/test_spawning.py", SPAWNING_TEST)
    watcher, lines = _watch(mini)
    broken = WORDS.format(greeting="hello", shout_extra="").replace("lower()", "upper()")
    try:
        _next_verdict(lines, pattern=RUN_LINE)
        mini.write("src/mini/words.py", broken)  # whisper's body: both tests, the traced first
        traced = _next_verdict(lines, pattern=INTERIM)
        untraced = _next_verdict(lines, pattern=RUN_LINE)
    finally:
        os.killpg(watcher.pid, signal.SIGINT)
        watcher.wait(timeout=30)
        for name in ("tests/test_spawning.py", "src/mini/words.py"):
            (mini.root / name).unlink(missing_ok=True)
    expected = (
        "2 affected tests in 1 file (src/mini/words.py: whisper; "
        "1 test starting Python, whose code no trace sees)"
    )
    assert expected in traced, traced
    assert "FAILED tests/test_spawning.py::test_whisper - " in traced, traced
    assert "1 failed, 1 deselected" in traced, traced
    assert "FAILED in" in traced.splitlines()[-1]
    assert "now 1 test that starts a program kiln cannot trace…" in traced
    assert "test_whisper_in_a_program" not in traced  # the program's test had not run yet
    assert "1 failed, 1 deselected" in untraced, untraced  # it still ran, after the failure
    assert "FAILED tests/test_spawning.py::test_whisper_in_a_program" in untraced, untraced
    assert untraced.splitlines()[-1].startswith("FAILED in ")  # the whole run's verdict
