"""Who runs the server: the user kiln runs as, or, when that is root, an unprivileged user.

``initdb`` and ``postgres`` refuse to run as root (in containers and CI kiln often is root), so as
root kiln runs them as ``KILN_PG_USER``, else the owner of an existing cluster, else ``postgres``,
else ``nobody``.
"""

from __future__ import annotations

import os
import pwd
import stat
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiln.errors import KilnError, UsageError

USER_VARIABLE = "KILN_PG_USER"
DEFAULT_USERS = ("postgres", "nobody")


@dataclass(frozen=True)
class ServerUser:
    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]

    @property
    def is_current(self) -> bool:
        return self.uid == os.geteuid()

    def popen_args(self) -> dict[str, Any]:
        """``subprocess`` arguments that run a child as this user, with only this user's groups."""
        if self.is_current:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": list(self.groups)}

    def own(self, path: Path) -> None:
        """Hand a file kiln (maybe as root) created to the server's user."""
        if not self.is_current:
            os.chown(path, self.uid, self.gid, follow_symlinks=False)


def server_user(environ: Mapping[str, str], cluster_owner: int | None = None) -> ServerUser:
    """The user to run ``initdb`` and ``postgres`` as; ``cluster_owner`` owns the cluster."""
    requested = environ.get(USER_VARIABLE)
    if os.geteuid() != 0:
        user = _current()
        if requested and requested != user.name:
            raise UsageError(
                f"kiln runs as {user.name}; only root can run PostgreSQL as {requested}",
                where=f"environment variable {USER_VARIABLE}",
                fix=f"unset {USER_VARIABLE}",
            )
        return user
    if requested:
        return _unprivileged(requested, where=f"environment variable {USER_VARIABLE}")
    if cluster_owner:  # a cluster made by a normal user keeps running as that user
        with suppress(KeyError):
            return _user(pwd.getpwuid(cluster_owner))
    for name in DEFAULT_USERS:
        with suppress(UsageError):
            return _unprivileged(name, where=None)
    raise KilnError(
        f"running as root, and neither of the users {' or '.join(DEFAULT_USERS)} exists "
        "to run PostgreSQL (it refuses root)",
        fix=f"create one (useradd --system postgres) or set {USER_VARIABLE} to a non-root user",
    )


def can_traverse(path: Path, user: ServerUser) -> bool:
    """Whether ``user`` may pass through every folder down to ``path`` (which must exist).

    ``os.access`` answers for the caller, useless when kiln is root, so this reads the mode bits
    as the kernel does for ``user`` (ACLs aside).
    """
    path = path.resolve()
    return all(_may_search(folder.stat(), user) for folder in (*reversed(path.parents), path))


def _may_search(info: os.stat_result, user: ServerUser) -> bool:
    if user.uid == 0:
        return True
    if info.st_uid == user.uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid == user.gid or info.st_gid in user.groups:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def _unprivileged(name: str, where: str | None) -> ServerUser:
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise UsageError(
            f"user {name!r} does not exist", where=where, fix="name an existing non-root user"
        ) from None
    if entry.pw_uid == 0:
        raise UsageError(
            f"PostgreSQL refuses to run as {name} (uid 0)",
            where=where,
            fix="name a non-root user, e.g. postgres or nobody",
        )
    return _user(entry)


def _current() -> ServerUser:
    """Also for a uid without a passwd entry, common in containers run with ``--user``."""
    uid = os.geteuid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = str(uid)
    return ServerUser(name, uid, os.getegid(), tuple(os.getgroups()))


def _user(entry: pwd.struct_passwd) -> ServerUser:
    groups = tuple(os.getgrouplist(entry.pw_name, entry.pw_gid))
    return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid, groups)
