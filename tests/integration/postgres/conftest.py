"""Real PostgreSQL servers for tests: per test or shared, always destroyed, none left running."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from kiln_cli import run_kiln

from kiln.postgres import EmbeddedServer
from kiln.project import Project, find_project

_DATA_DIRS: list[Path] = []  # every cluster the session made, checked for processes at the end


def make_project(root: Path, name: str = "shop") -> Project:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n\n[tool.kiln]\n')
    return find_project(root)


class Servers:
    """Makes embedded servers for fresh projects; destroys them, then their folders, afterwards."""

    def __init__(self) -> None:
        self.made: list[EmbeddedServer] = []
        self.folders: list[Path] = []

    def new(
        self, root: Path, name: str = "shop", environ: Mapping[str, str] | None = None
    ) -> EmbeddedServer:
        return self.track(EmbeddedServer(make_project(root, name), environ))

    def track(self, server: EmbeddedServer) -> EmbeddedServer:
        """Destroy ``server`` at the end too (one for a project that moved, say)."""
        self.made.append(server)
        _DATA_DIRS.append(server.layout.data_dir)
        return server

    def project(self, root: Path, name: str = "shop") -> Project:
        """A project whose server the CLI will start; destroyed at the end all the same."""
        return self.new(root, name).project

    def open_dir(self) -> Path:
        """A temporary folder every user may pass through (pytest's are 0700 when run as root)."""
        path = Path(tempfile.mkdtemp(prefix="kiln-test-"))
        path.chmod(0o755)
        self.folders.append(path)
        return path

    def destroy_all(self) -> None:
        for server in self.made:
            server.destroy()
        for folder in self.folders:
            shutil.rmtree(folder)


def _processes_under(folders: list[Path]) -> dict[int, str]:
    """Processes whose working directory is in ``folders`` (PostgreSQL's is its data folder)."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            cwd = str((entry / "cwd").readlink())
        except OSError:  # not a process, or gone
            continue
        if any(cwd.startswith(str(folder)) for folder in folders):
            found[int(entry.name)] = cwd
    return found


@pytest.fixture(scope="session", autouse=True)
def no_server_left_behind() -> Iterator[None]:
    yield
    left = _processes_under(_DATA_DIRS)
    assert not left, f"PostgreSQL processes still running after the tests: {left}"


@pytest.fixture
def servers() -> Iterator[Servers]:
    made = Servers()
    yield made
    made.destroy_all()


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """One running server (system binaries) for the tests that need not start their own."""
    made = Servers()
    root = tmp_path_factory.mktemp("shared") / "shared"
    server = made.new(root, "shared", {**os.environ, "KILN_PG_SOURCE": "system"})
    server.up()
    yield server
    made.destroy_all()


@pytest.fixture
def shared(shared_server: EmbeddedServer) -> EmbeddedServer:
    """The shared server, running (a test before may have stopped or killed it)."""
    shared_server.up()
    return shared_server


@pytest.fixture
def kiln() -> Callable[..., subprocess.CompletedProcess[str]]:
    """The real CLI in a subprocess, as a user runs it: ``kiln("db", "up", cwd=project.root)``."""
    return run_kiln
