"""Projects made by the real ``kiln new``, as the e2e tests use them."""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiln_cli import DEFAULT_TIMEOUT, run_kiln, user_environ

from kiln import __version__

KILN_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Generated:
    """A project ``kiln new`` made, and what the command printed."""

    root: Path
    result: subprocess.CompletedProcess[str]


def kiln_new(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """``kiln new ARGS``: the real CLI, as a user runs it."""
    return run_kiln("new", *args, cwd=cwd, env=env, timeout=timeout)


@dataclass(frozen=True)
class Installed:
    """A project as ``kiln new`` leaves it: with its own ``.venv``, and what kiln new printed."""

    root: Path
    result: subprocess.CompletedProcess[str]

    @property
    def bin(self) -> Path:
        return self.root / ".venv" / "bin"

    def kiln(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """The project's own ``kiln``, run from its folder."""
        return run_kiln(*args, cwd=self.root, timeout=timeout, executable=self.bin / "kiln")


def project_environ() -> dict[str, str]:
    """A user's shell, for the other commands the tests run in an installed project."""
    return user_environ()


def install_progress(installed: Installed, tool: str) -> list[str]:
    """The lines ``kiln new`` prints on stderr while it installs the project's ``.venv``."""
    kiln = f"{__version__}, editable, from {KILN_ROOT.as_uri()}"
    return [
        f"kiln: creating {installed.root}/.venv (Python {platform.python_version()}) with {tool}",
        f"kiln: installing shop[dev] and kiln {kiln} with {tool}",
    ]


def install_project(
    parent: Path, *, template: str | None = None, **environ: str
) -> Iterator[Installed]:
    """``kiln new shop`` (of ``template``, else the default one) installed in ``parent``; its
    server destroyed after."""
    from kiln.postgres import EmbeddedServer
    from kiln.project import find_project

    root = parent / "shop"
    chosen = ("--template", template) if template else ()
    result = kiln_new(
        "shop",
        "--directory",
        str(root),
        "--no-input",
        *chosen,
        cwd=parent,
        env=environ,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield Installed(root, result)
    EmbeddedServer(find_project(root)).destroy()
