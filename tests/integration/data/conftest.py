"""The plugin tests' mini project (notes, no migrations), given a seed function and scenarios."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kiln_cli import ProjectCopy, start_kiln

MINI = Path(__file__).parents[1] / "testing" / "mini"

SEED = '''"""Two notes, added once."""

from mini import Note, db


def seed_notes():
    there = set(db.session.scalars(db.select(Note.text)))
    missing = [Note(text=text) for text in ("first", "second") if text not in there]
    db.session.add_all(missing)
    return len(missing)
'''

SCENARIOS = {
    "busy": '''"""Three notes, for a busy day."""

from mini import Note


def load(db):
    db.session.add_all([Note(text=text) for text in ("one", "two", "three")])
''',
    "broken": '''"""Fails halfway."""

from mini import Note


def load(db):
    db.session.add(Note(text="never kept"))
    db.session.flush()
    raise RuntimeError("this scenario is wrong")
''',
}


class Project(ProjectCopy):
    """A copy of mini, importable through PYTHONPATH, and the real CLI run inside it."""

    def start(self, *args: str, **popen: Any) -> subprocess.Popen:
        """``kiln ARGS`` started in the project; ``popen`` goes to Popen."""
        return start_kiln(*args, cwd=self.root, env=self.importable, **popen)

    def databases(self) -> set[str]:
        with self.server.connect() as connection:
            rows = connection.execute("SELECT datname FROM pg_database").fetchall()
        return {name for (name,) in rows if name.startswith("mini_")}

    def notes(self, database: str) -> list[str]:
        with self.server.connect(database) as connection:
            rows = connection.execute("SELECT text FROM note ORDER BY id").fetchall()
        return [text for (text,) in rows]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One copy per test module; its server is destroyed afterwards."""
    root = tmp_path_factory.mktemp("data") / "mini"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "src/mini/seeding.py").write_text(SEED)
    with (root / "pyproject.toml").open("a") as pyproject:
        pyproject.write('seed = "mini.seeding:seed_notes"\n')
    (root / "scenarios").mkdir()
    for name, text in SCENARIOS.items():
        (root / "scenarios" / f"{name}.py").write_text(text)
    made = Project(root)
    yield made
    made.server.destroy()
