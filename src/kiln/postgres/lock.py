"""One kiln at a time starts, stops or creates a project's server."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiln.errors import KilnError
from kiln.postgres.server import Progress


@contextmanager
def project_lock(path: Path, progress: Progress) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path``; the kernel drops it if kiln dies."""
    try:
        handle = path.open("a")
    except OSError as error:
        raise KilnError.from_os_error(
            error, "cannot open the lock that keeps kiln commands apart"
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("Waiting for another kiln command on this project's PostgreSQL …")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
