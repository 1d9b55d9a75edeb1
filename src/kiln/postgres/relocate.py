"""A copy of PostgreSQL's programs that the server's user can run.

As root, the server runs as an unprivileged user, who often cannot reach the wheel's programs:
a virtualenv under ``/root`` or a private temporary folder. Rather than open up the user's folders
(which kiln never does), kiln copies the install once into its own shared folder and runs that.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import get_args

from kiln.postgres.binaries import Binaries, Source
from kiln.postgres.layout import SHARED_ROOT
from kiln.postgres.server import Progress
from kiln.postgres.users import ServerUser, can_traverse

PROGRAMS_ROOT = SHARED_ROOT / "postgres"


def runnable_by(user: ServerUser, binaries: Binaries, progress: Progress) -> Binaries | None:
    """``binaries`` if ``user`` can reach them, else a copy it can; None if kiln cannot copy."""
    if user.is_current or can_traverse(binaries.bindir, user):
        return binaries
    if os.geteuid() != 0:
        return None
    base, parts = _install_parts(binaries.bindir)
    target = PROGRAMS_ROOT / f"{binaries.source}-{binaries.version}"
    if not target.is_dir():
        progress(
            f"Copying PostgreSQL {binaries.version} to {target}, where {user.name} can run it …"
        )
        _copy(base, parts, target)
    return replace(binaries, bindir=target / binaries.bindir.relative_to(base))


def copied_source(bindir: Path) -> Source | None:
    """The source a shared copy was made from (its folder is ``<source>-<version>``), if
    ``bindir`` is in one."""
    if not bindir.is_relative_to(PROGRAMS_ROOT) or bindir == PROGRAMS_ROOT:
        return None
    source = bindir.relative_to(PROGRAMS_ROOT).parts[0].rpartition("-")[0]
    return next((known for known in get_args(Source) if known == source), None)


def _install_parts(bindir: Path) -> tuple[Path, list[Path]]:
    """The install (``bin/``, ``lib/``, ``share/``) and, for a wheel, the libraries it links to.

    A wheel's programs find their shared libraries through an RPATH relative to themselves
    (``$ORIGIN/../../../<package>.libs``), so the copy keeps that shape from two folders up.
    """
    install = bindir.parent
    base = install.parent.parent
    libs = base / f"{install.parent.name}.libs"
    return base, [install, *([libs] if libs.is_dir() else [])]


def _copy(base: Path, parts: list[Path], target: Path) -> None:
    """Copy under a temporary name first, so another kiln never sees half a copy."""
    for folder in (SHARED_ROOT, PROGRAMS_ROOT):
        folder.mkdir(exist_ok=True)
        folder.chmod(0o755)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    for part in parts:
        shutil.copytree(part, partial / part.relative_to(base), symlinks=True)
    for folder in (partial, *(p for p in partial.rglob("*") if p.is_dir())):
        folder.chmod(folder.stat().st_mode | 0o755)
    try:
        partial.rename(target)
    except OSError:  # another kiln finished the same copy first
        shutil.rmtree(partial)
