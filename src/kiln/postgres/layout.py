"""Where a project's server keeps its files, and making those folders safely.

Everything lives in ``.kiln/server/`` (``data/``, ``run/``, ``postgres.log``) so dev data survives
restarts and is git-ignored. Two exceptions, both decided here:

- The socket path is limited to 107 bytes, and libpq reads a comma in ``host`` as a list of
  hosts: a deep project, or one with a comma in its path, gets a short ``/tmp/kiln-<hash>``.
- Run as root, the server runs as another user, who may not be able to pass through the project's
  parent folders (``/root``, a 0700 temporary folder). kiln never loosens those: the files then live
  in ``/var/lib/kiln/<slug>-<hash>/`` and ``.kiln/server`` is a symlink to it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from kiln.errors import KilnError
from kiln.postgres.users import ServerUser, can_traverse

SERVER = "server"
SHARED_ROOT = Path("/var/lib/kiln")
SHORT_ROOT = Path("/tmp")
SOCKET_NAME = ".s.PGSQL.5432"
MAX_SOCKET_PATH = 107  # sizeof(sockaddr_un.sun_path) minus the terminating NUL


@dataclass(frozen=True)
class Layout:
    """The paths of one project's server; ``server_dir`` is the real folder, symlinks resolved."""

    state_dir: Path
    server_dir: Path
    socket_dir: Path

    @property
    def link(self) -> Path:
        return self.state_dir / SERVER

    @property
    def data_dir(self) -> Path:
        return self.server_dir / "data"

    @property
    def run_dir(self) -> Path:
        return self.server_dir / "run"

    @property
    def log_path(self) -> Path:
        return self.server_dir / "postgres.log"

    @property
    def lock_path(self) -> Path:
        return self.state_dir / "lock"

    @property
    def is_linked(self) -> bool:
        return self.server_dir != self.link

    @property
    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()


def plan(state_dir: Path, name: str, user: ServerUser) -> Layout:
    """The layout for ``user``, without touching the disk: an existing ``.kiln/server`` wins."""
    state_dir = state_dir.resolve()
    link = state_dir / SERVER
    if link.is_symlink() or link.exists():
        server_dir = link.resolve()
    elif user.is_current or can_traverse(_nearest_existing(state_dir), user):
        server_dir = link
    else:
        server_dir = SHARED_ROOT / f"{_slug(name)}-{digest(state_dir)}"
    run_dir = server_dir / "run"
    socket_dir = run_dir if socket_usable(run_dir) else SHORT_ROOT / f"kiln-{digest(state_dir)}"
    return Layout(state_dir, server_dir, socket_dir)


def prepare(layout: Layout, user: ServerUser) -> None:
    """Create the folders, each private to ``user``; ``.kiln`` itself stays readable."""
    ensure_state_dir(layout.state_dir)
    if layout.link.is_symlink() and not layout.server_dir.exists():
        raise KilnError(
            f"links to {layout.server_dir}, which does not exist: the cluster that was "
            "there has been moved or deleted",
            where=str(layout.link),
            fix=f"if it was moved, link it again (ln -sfn NEW_PLACE {layout.link}); to start "
            f"with an empty cluster, remove the link (rm {layout.link})",
        )
    if layout.is_linked:
        if not SHARED_ROOT.is_dir():
            SHARED_ROOT.mkdir(parents=True)
            SHARED_ROOT.chmod(0o755)  # kiln's own; each project's folder in it is private
        _private_dir(layout.server_dir, user)
        if not layout.link.is_symlink():
            layout.link.symlink_to(layout.server_dir, target_is_directory=True)
    else:
        _private_dir(layout.server_dir, user)
    if not can_traverse(layout.server_dir, user):
        raise KilnError(
            f"PostgreSQL runs as {user.name}, who cannot reach {layout.server_dir}",
            where=str(layout.link),
            fix=f"move it where {user.name} can reach it, and link it: "
            f"mv {layout.server_dir} {SHARED_ROOT}/NAME && ln -s {SHARED_ROOT}/NAME {layout.link}",
        )
    _private_dir(layout.socket_dir, user)


def ensure_state_dir(state_dir: Path) -> None:
    """``.kiln/`` with a ``.gitignore`` that keeps all of it out of git."""
    if state_dir.exists() and not state_dir.is_dir():
        raise KilnError(
            "kiln keeps the project's PostgreSQL in this folder, but it is a file",
            where=str(state_dir),
            fix=f"move the file away (mv {state_dir} {state_dir}.bak); kiln makes the folder",
        )
    try:
        state_dir.mkdir()
        state_dir.chmod(0o755)  # kiln's own folder, so the server's user can pass through it
    except FileExistsError:
        pass
    except OSError as error:
        raise KilnError.from_os_error(
            error, "cannot make the folder for the project's PostgreSQL"
        ) from None
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        try:
            ignore.write_text("*\n", encoding="utf-8")
        except OSError as error:
            raise KilnError.from_os_error(error, "cannot write kiln's .gitignore") from None


def socket_usable(socket_dir: Path) -> bool:
    """Whether a client can reach a socket in ``socket_dir`` through a URL's ``host``."""
    fits = len(os.fsencode(socket_dir / SOCKET_NAME)) <= MAX_SOCKET_PATH
    return fits and "," not in str(socket_dir)


def digest(state_dir: Path) -> str:
    """12 hex digits naming a project's folders outside it, stable while it stays put."""
    return hashlib.sha256(os.fsencode(state_dir)).hexdigest()[:12]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "project"


def _nearest_existing(path: Path) -> Path:
    """``.kiln`` before its first use is judged by the project folder it will be made in."""
    return next(p for p in (path, *path.parents) if p.exists())


def _private_dir(path: Path, user: ServerUser) -> None:
    """A new folder owned by ``user`` with mode 0700, or an existing one ``user`` owns.

    Refusing a folder someone else prepared matters most in ``/tmp``, where anyone could.
    """
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        info = path.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == user.uid:
            return
        raise KilnError(
            f"{path} exists but is not a folder owned by {user.name}, so kiln will not use it",
            fix=f"remove it (rm -rf {path}) and run the command again",
        ) from None
    user.own(path)
    path.chmod(0o700)
