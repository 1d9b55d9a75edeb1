"""Errors a user can meet: each says what happened, where, and what to do.

The CLI prints them without a traceback. ``UsageError`` (exit 2) is for a mistake in what the
user typed or wrote; ``KilnError`` (exit 1) is for a failure of something kiln tried to do.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self

# The usual causes of a failed file operation, each with what the user can do about it.
_OS_FIXES = {
    errno.EROFS: "the file system is read-only: make it writable, or work on a copy of the "
    "project in a writable folder",
    errno.EACCES: "give your user access to it (ls -ld shows its owner and mode), or run kiln "
    "as the user who owns it",
    errno.ENOSPC: "free some space on that disk (df -h shows what is left)",
    errno.EISDIR: "a file belongs there but it is a folder: move the folder away",
    errno.ENOTDIR: "a folder belongs there but part of the path is a file: move that file away",
    errno.ENAMETOOLONG: "use a shorter path: a name may have at most 255 bytes, a whole path 4,095",
    errno.ELOOP: "a symbolic link on the path leads back to itself: correct or remove it",
}
_OS_FIXES[errno.EPERM] = _OS_FIXES[errno.EACCES]
_OS_FIXES[errno.EDQUOT] = _OS_FIXES[errno.ENOSPC]
_SHOWN_PATH = 200  # characters of a path in a message; the start and the end say which it is


@dataclass(frozen=True)
class Problem:
    """One thing wrong, pinned to its place (a file and key, an environment variable, a command)."""

    what: str
    where: str | None = None
    fix: str | None = None

    def render(self) -> str:
        head = f"{self.where}: {self.what}" if self.where else self.what
        return f"{head}\n  fix: {self.fix}" if self.fix else head


class KilnError(Exception):
    """A failure kiln reports in plain words; exit code 1."""

    exit_code = 1

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        super().__init__(what)
        self.problems: tuple[Problem, ...] = (Problem(what, where, fix),)

    @classmethod
    def of(cls, problems: Iterable[Problem], summary: str) -> KilnError:
        """One error that carries several problems, so the user fixes them all in one go."""
        error = cls(summary)
        error.problems = tuple(problems)
        return error

    @classmethod
    def from_os_error(cls, error: OSError, doing: str, fix: str | None = None) -> Self:
        """``error`` in words: what kiln was ``doing``, the system's reason, the path it names,
        and ``fix``, else the fix for the usual cause of that reason (a read-only disk...)."""
        reason = error.strerror or str(error)
        fix = fix or _OS_FIXES.get(error.errno or 0)
        return cls(f"{doing}: {reason}", where=_paths(error), fix=fix)

    def render(self) -> str:
        if len(self.problems) == 1:
            return f"error: {self.problems[0].render()}"
        lines = [f"error: {self.args[0]}"]
        lines += ["- " + p.render().replace("\n", "\n  ") for p in self.problems]
        return "\n".join(lines)


class UsageError(KilnError):
    """The user asked for something that cannot work as written; exit code 2."""

    exit_code = 2


def _paths(error: OSError) -> str | None:
    """The path or paths an ``OSError`` names (``a -> b`` for a rename), shortened to be read."""
    named = [
        p for p in (error.filename, error.filename2) if isinstance(p, str | bytes | os.PathLike)
    ]
    return " -> ".join(shorten(os.fsdecode(p)) for p in named) or None


def shorten(path: str) -> str:
    """A very long path as its start and end, with how long it is, so a message stays readable."""
    if len(path) <= _SHOWN_PATH:
        return path
    return f"{path[:120]}…{path[-60:]} ({len(os.fsencode(path)):,} bytes)"
