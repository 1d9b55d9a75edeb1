"""The processes of a cluster: is its postmaster running, is a ``postmaster.pid`` stale, stop it.

A postmaster and its backends keep the data folder as their working directory, so
``/proc/<pid>/cwd`` tells whether a pid is this cluster's: a pid that a reboot or crash handed to
another program is not mistaken for the server.
"""

from __future__ import annotations

import os
import signal
import time
from contextlib import suppress
from pathlib import Path

from kiln.errors import KilnError
from kiln.postgres.layout import SOCKET_NAME

PID_FILE = "postmaster.pid"
PROC = Path("/proc")
POLL = 0.02


def running_pid(data_dir: Path) -> int | None:
    """The pid of the cluster's live postmaster, or ``None`` (no ``postmaster.pid``, or stale)."""
    try:
        first = (data_dir / PID_FILE).read_text(encoding="utf-8").split("\n", 1)[0]
    except (FileNotFoundError, NotADirectoryError):
        return None
    pid = int(first) if first.strip().isdigit() else 0
    return pid if pid and runs_in(pid, data_dir) else None


def runs_in(pid: int, data_dir: Path) -> bool:
    """Whether ``pid`` is alive with ``data_dir`` as its working directory (so: this cluster's)."""
    if not PROC.is_dir():  # no /proc (macOS): trust that the pid is alive
        return _alive(pid)
    try:
        return (PROC / str(pid) / "cwd").readlink() == data_dir.resolve()
    except OSError:  # gone, a zombie, or another user's process: not ours
        return False


def executable(pid: int) -> Path | None:
    """The program ``pid`` runs (``/proc/<pid>/exe``); None without /proc or permission."""
    try:
        return (PROC / str(pid) / "exe").readlink()
    except OSError:
        return None


def clear_stale(data_dir: Path, socket_dir: Path) -> None:
    """Remove lock files a crashed server left; call only when :func:`running_pid` is ``None``.

    PostgreSQL removes them itself unless their pid now belongs to another live process, which
    after a reboot it often does.
    """
    for path in (data_dir / PID_FILE, socket_dir / SOCKET_NAME, socket_dir / f"{SOCKET_NAME}.lock"):
        path.unlink(missing_ok=True)


def wait_for_orphans(data_dir: Path, timeout: float = 10.0) -> None:
    """Wait for backends of a killed postmaster, which hold its shared memory until they exit."""
    deadline = time.monotonic() + timeout
    while orphans := processes_in(data_dir):
        if time.monotonic() > deadline:
            raise KilnError(
                f"processes {', '.join(map(str, orphans))} of an earlier PostgreSQL still run",
                where=str(data_dir),
                fix=f"stop them: kill {' '.join(map(str, orphans))}",
            )
        time.sleep(POLL)


def processes_in(data_dir: Path) -> list[int]:
    if not PROC.is_dir():
        return []
    pids = (int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit())
    return [pid for pid in pids if runs_in(pid, data_dir)]


def stop(pid: int, data_dir: Path, timeout: float = 60.0) -> None:
    """Fast shutdown (SIGINT: roll back sessions, checkpoint, exit); immediate if that stalls."""
    for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 10.0)):
        with suppress(ProcessLookupError):
            os.kill(pid, sig)
        if _gone_within(pid, data_dir, wait):
            return
    raise KilnError(
        f"PostgreSQL (pid {pid}) did not stop", where=str(data_dir), fix=f"kill -9 {pid}"
    )


def _gone_within(pid: int, data_dir: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        _reap(pid)
        if not runs_in(pid, data_dir):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, run by another user
    return True


def _reap(pid: int) -> None:
    """Collect the exit status if kiln itself started ``pid``, so it does not linger as a zombie."""
    with suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
