"""Processes as /proc shows them, for tests of what kiln leaves running (or must not).

Importable as a plain module because tests/conftest.py puts this folder on ``sys.path``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def descendants(pid: int) -> list[int]:
    """``pid``'s children, their children, and so on."""
    found = children(pid)
    return found + [grandchild for child in found for grandchild in descendants(child)]


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until_gone(pids: Iterable[int], seconds: float) -> list[int]:
    """Wait up to ``seconds`` for every one of ``pids`` to end; those still running then."""
    deadline = time.monotonic() + seconds
    running = [pid for pid in pids if alive(pid)]
    while running and time.monotonic() < deadline:
        time.sleep(0.05)
        running = [pid for pid in running if alive(pid)]
    return running


def command_line(pid: int) -> str:
    """``pid``'s command line, for a failure message."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "(gone)"
