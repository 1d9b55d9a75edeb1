"""One kiln at a time starts, stops or creates a project's server."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiln.postgres.server import Progress


@contextmanager
def project_lock(path: Path, progress: Progress) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path``; the kernel drops it if kiln dies."""
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("Waiting for another kiln command on this project's PostgreSQL …")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
