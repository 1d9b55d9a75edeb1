"""The project's own code failing while its app is built, told as the project's error.

A syntax error in ``models.py`` or an ``import`` of a missing module surfaces deep inside Flask,
Alembic or kiln. The user needs the file and line in their code, the chain of their imports that
led there, and nothing of ours: the frames outside the project (kiln, Flask, the standard
library, anything installed) are left out.
"""

from __future__ import annotations

import shlex
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from kiln.errors import KilnError
from kiln.project import Project

_INSTALLED = {"site-packages", "dist-packages"}


@dataclass(frozen=True)
class _Frame:
    path: str
    line: int
    code: str

    @property
    def place(self) -> str:
        return f"{self.path}:{self.line}"


def project_error(error: BaseException, project: Project) -> KilnError | None:
    """The error pinned to the project's file and line; ``None`` when none of its code is
    involved (then the full traceback is the better report)."""
    frames = [
        _Frame(path, frame.lineno or 0, (frame.line or "").strip())
        for frame in traceback.extract_tb(error.__traceback__)
        if (path := _in_project(frame.filename, project))
    ]
    if isinstance(error, SyntaxError) and (path := _in_project(error.filename, project)):
        frames.append(_Frame(path, error.lineno or 0, (error.text or "").strip()))
    if not frames:
        return None
    width = max(len(frame.place) for frame in frames)
    chain = "\n".join(f"    {frame.place:<{width}}  {frame.code}".rstrip() for frame in frames)
    innermost = frames[-1]
    return KilnError(
        f"the app cannot be built: {_exception_line(error)}\n{chain}",
        where=innermost.place,
        fix=_fix(error, innermost),
    )


def _in_project(filename: str | None, project: Project) -> str | None:
    """The file relative to the project when it is one of the project's own (not installed)."""
    if not filename or filename.startswith("<"):
        return None
    path = Path(filename).resolve()
    if not path.is_relative_to(project.root) or _INSTALLED & set(path.parts):
        return None
    relative = path.relative_to(project.root)
    return None if relative.parts[0].startswith(".") else str(relative)  # .venv, .tox, ...


def _exception_line(error: BaseException) -> str:
    message = error.msg if isinstance(error, SyntaxError) else str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _fix(error: BaseException, innermost: _Frame) -> str:
    correct = f"correct {innermost.path} at line {innermost.line}, then run the command again"
    if isinstance(error, ModuleNotFoundError) and error.name:
        python = shlex.quote(sys.executable)
        return (
            f"{correct}; if {error.name} is a library the project needs, add it to "
            f"[project] dependencies in pyproject.toml and install it: "
            f"{python} -m pip install -e '.[dev]'"
        )
    return correct
