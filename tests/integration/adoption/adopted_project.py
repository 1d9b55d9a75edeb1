"""A copy of one of the small existing-style projects, and its suite run the way its users run
it (``pytest`` in its folder, its modules importable as ``pip install -e`` would make them)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kiln_cli import run_kiln, user_environ

PROJECTS = Path(__file__).parent / "projects"


class Adopted:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.init_result: subprocess.CompletedProcess[str] | None = None

    def kiln(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_kiln(*args, cwd=self.root, env={"PYTHONPATH": str(self.root)})

    def pytest(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The project's own test run, as ``pytest`` in its folder (kiln's plugin is active)."""
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=self.root,
            env=user_environ({"PYTHONPATH": str(self.root)}),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def edit(self, relative: str, old: str, new: str) -> str:
        """Replace ``old`` by ``new`` in a file; returns the text before, to restore it."""
        path = self.root / relative
        before = path.read_text()
        assert old in before
        path.write_text(before.replace(old, new))
        return before

    def destroy_server(self) -> None:
        from kiln.postgres import EmbeddedServer
        from kiln.project import find_project

        EmbeddedServer(find_project(self.root)).destroy()


def copy_project(name: str, destination: Path) -> Adopted:
    shutil.copytree(PROJECTS / name, destination, ignore=shutil.ignore_patterns("__pycache__"))
    return Adopted(destination)
