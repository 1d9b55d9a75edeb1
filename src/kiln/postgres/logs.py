"""Reading the embedded server's log: its end (for errors and ``kiln db logs``) and following it."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path


def tail(path: Path, lines: int, start: int = 0) -> list[str]:
    """The last ``lines`` lines of ``path`` from byte ``start`` on (``[]`` if there is no log)."""
    try:
        with path.open("rb") as log:
            log.seek(start)
            last = deque(log, maxlen=lines)
    except FileNotFoundError:
        return []
    return [line.decode("utf-8", "replace").rstrip("\n") for line in last]


def follow(path: Path, poll: float = 0.2) -> Iterator[str]:
    """Lines appended to ``path`` from now on, forever (the caller stops on Ctrl-C)."""
    with path.open("rb") as log:
        log.seek(0, 2)
        while True:
            line = log.readline()
            if line.endswith(b"\n"):
                yield line.decode("utf-8", "replace").rstrip("\n")
            else:
                log.seek(-len(line), 1)
                time.sleep(poll)
