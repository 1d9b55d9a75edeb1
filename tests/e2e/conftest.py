"""A project generated once per session by the real ``kiln new``, for the e2e tests to share."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from kiln_cli import run_kiln, user_environ

KILN_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Generated:
    """A project ``kiln new`` made, and what the command printed."""

    root: Path
    result: subprocess.CompletedProcess[str]


def kiln_new(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``kiln new ARGS``: the real CLI, as a user runs it."""
    return run_kiln("new", *args, cwd=cwd)


@pytest.fixture(scope="session")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """``kiln new shop --no-input`` into a fresh folder; treat the result as read-only."""
    parent = tmp_path_factory.mktemp("new-api")
    root = parent / "shop"
    result = kiln_new("shop", "--directory", str(root), "--no-input", cwd=parent)
    assert result.returncode == 0, result.stderr
    return Generated(root, result)


@dataclass(frozen=True)
class Installed:
    """A generated project with its own virtualenv, as a user has it after the README's install."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / ".venv" / "bin"

    def kiln(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """The project's own ``kiln``, run from its folder."""
        return run_kiln(*args, cwd=self.root, timeout=timeout, executable=self.bin / "kiln")


def project_environ() -> dict[str, str]:
    """A user's shell, for the other commands the tests run in an installed project."""
    return user_environ()


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """``kiln new``, a venv, ``pip install -e '.[dev]'``; the project's server is destroyed after.

    kiln itself is installed from this checkout first, as it is not on PyPI from here.
    """
    yield from install_project(tmp_path_factory.mktemp("installed"))


@pytest.fixture(scope="session")
def migrating_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """Another installed project, for the tests that change its models and migrations."""
    yield from install_project(tmp_path_factory.mktemp("migrating"))


def install_project(parent: Path) -> Iterator[Installed]:
    from kiln.postgres import EmbeddedServer
    from kiln.project import find_project

    root = parent / "shop"
    result = kiln_new("shop", "--directory", str(root), "--no-input", cwd=parent)
    assert result.returncode == 0, result.stderr
    pip = [str(root / ".venv/bin/python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([sys.executable, "-m", "venv", str(root / ".venv")], check=True)
    subprocess.run([*pip, "-e", str(KILN_ROOT), "-e", f"{root}[dev]"], check=True, timeout=600)
    yield Installed(root)
    EmbeddedServer(find_project(root)).destroy()
