"""Whether the address a server is about to listen on is free, and if not, which process has it."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from kiln.errors import UsageError

PROC = Path("/proc")
_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's "st" column
_SHOWN_COMMAND = 120  # characters of a command line, enough to recognise it


@dataclass(frozen=True)
class Listener:
    """The processes that share one listening socket (a server and the workers it forked)."""

    pids: tuple[int, ...]
    command: str

    def describe(self) -> str:
        others = len(self.pids) - 1
        shared = f" and {others} more sharing its socket" if others else ""
        return f"pid {self.pids[0]} ({self.command}){shared}"


def check_port_free(host: str, port: int) -> None:
    """Fail before the server does, with the fix, when the address is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise _taken(host, port, error.strerror or str(error)) from None


def _taken(host: str, port: int, reason: str) -> UsageError:
    """The error for a taken port, naming the process that holds it when /proc shows it."""
    holders = listeners(port)
    other = f"choose another port: --port {port + 1}"
    if not holders:
        return UsageError(
            f"cannot listen on {host}:{port}: {reason}",
            where="kiln serve --host/--port",
            fix=f"stop what uses it (another kiln serve?) or {other}",
        )
    pids = " ".join(str(pid) for listener in holders for pid in listener.pids)
    return UsageError(
        f"cannot listen on {host}:{port}: {reason}; it is held by "
        + ", ".join(listener.describe() for listener in holders),
        where="kiln serve --host/--port",
        fix=f"if it is a server left over from an earlier run, stop it: kill {pids}; or {other}",
    )


def listeners(port: int) -> list[Listener]:
    """The processes listening on TCP ``port`` (IPv4 or IPv6) that this user may inspect."""
    inodes = _listening_inodes(port)
    holders: dict[str, list[int]] = {inode: [] for inode in inodes}
    for fd_dir in PROC.glob("[0-9]*/fd"):
        try:
            links = {str(fd.readlink()) for fd in fd_dir.iterdir()}
        except OSError:  # gone meanwhile, or another user's
            continue
        for inode in inodes:
            if f"socket:[{inode}]" in links:
                holders[inode].append(int(fd_dir.parent.name))
    found = [_parents_first(pids) for pids in holders.values() if pids]
    return [Listener(tuple(pids), _command(pids[0])) for pids in found]


def _listening_inodes(port: int) -> list[str]:
    """The inodes of the sockets listening on ``port``, from /proc/net/tcp and tcp6."""
    inodes = []
    for table in ("tcp", "tcp6"):
        try:
            rows = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == _LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.append(inode)
    return inodes


def _parents_first(pids: list[int]) -> list[int]:
    """The pids with the one that started the others first (its parent holds no share)."""
    held = set(pids)
    return sorted(pids, key=lambda pid: (_parent(pid) in held, pid))


def _parent(pid: int) -> int | None:
    try:
        return int((PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _command(pid: int) -> str:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "command unknown"
    command = raw.rstrip(b"\0").replace(b"\0", b" ").decode(errors="replace")
    if len(command) > _SHOWN_COMMAND:
        return command[: _SHOWN_COMMAND - 1] + "…"
    return command or "command unknown"
