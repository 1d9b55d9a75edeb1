"""``notes``: a throwaway project with Flask-Migrate and one migration, for the tests that need
migrations (the ``mini`` project has none).

Its files are plain text here, so a test can break one (``with notes.changed(path, text):``) and
find it as it was afterwards. Its package is importable through ``PYTHONPATH``, as after
``pip install -e``; ``kiln_cli`` runs the real CLI in it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from kiln_cli import ProjectCopy, user_environ

import kiln

TEMPLATE_MIGRATIONS = Path(kiln.__file__).parent / "templates/_shared/project/migrations"

PYPROJECT = """[project]
name = "notes"
version = "0"

[tool.kiln]
app = "notes:create_app"
seed = "notes.seeding:seed"
"""

APP = '''"""The app factory."""

import os

from flask import Flask
from flask_migrate import Migrate

from .models import Note, db

migrate = Migrate()


def create_app(config_name):
    app = Flask(__name__)
    url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)
    migrate.init_app(app, db)

    @app.get("/notes")
    def list_notes():
        return [note.text for note in db.session.scalars(db.select(Note).order_by(Note.id))]

    return app
'''

MODELS = '''"""The models."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
'''

SEEDING = '''"""Sample data."""

from .models import Note, db


def seed():
    db.session.add(Note(text="seeded"))
    return 1
'''

SCENARIO = '''"""One note."""

from notes.models import Note


def load(db):
    db.session.add(Note(text="one"))
'''

FIRST_MIGRATION = '''"""Create the notes table.

Revision ID: 0001notes
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001notes"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(), nullable=False),
    )


def downgrade():
    op.drop_table("note")
'''

TESTS = """from notes.models import Note


def test_starts_empty(db):
    assert db.session.query(Note).count() == 0


def test_lists_notes(client, db):
    db.session.add(Note(text="a"))
    db.session.flush()
    assert client.get("/notes").json == ["a"]


def test_lists_nothing(client):
    assert client.get("/notes").json == []
"""


class Notes(ProjectCopy):
    """The project on disk, its server, and the real CLI and pytest run inside it."""

    def pytest(self, *args: str, env: Mapping[str, str] | None = None) -> tuple[int, str]:
        """The project's own tests, run by pytest in this Python (the plugin loads itself)."""
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=self.root,
            env=user_environ({**self.importable, **(env or {})}),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    @contextmanager
    def changed(self, relative: str, text: str) -> Iterator[None]:
        """``relative`` holds ``text`` for the body; afterwards it is as it was (or gone)."""
        path = self.root / relative
        before = path.read_text() if path.exists() else None
        self.write(relative, text)
        try:
            yield
        finally:
            if before is None:
                path.unlink()
            else:
                path.write_text(before)
            for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
                cached.unlink()


def write_notes(root: Path) -> Notes:
    """Write the project into ``root`` (made here) and return it."""
    files = {
        "pyproject.toml": PYPROJECT,
        "src/notes/__init__.py": "from .app import create_app\n",
        "src/notes/app.py": APP,
        "src/notes/models.py": MODELS,
        "src/notes/seeding.py": SEEDING,
        "scenarios/one.py": SCENARIO,
        "migrations/versions/0001_create_notes.py": FIRST_MIGRATION,
        "tests/test_notes.py": TESTS,
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for name in ("env.py", "alembic.ini", "script.py.mako"):
        shutil.copy(TEMPLATE_MIGRATIONS / name, root / "migrations" / name)
    return Notes(root)


def module_notes(tmp_path_factory: pytest.TempPathFactory, folder: str) -> Iterator[Notes]:
    """A module's ``notes`` fixture (``yield from`` it): the project in a new folder named after
    ``folder``, its server destroyed after the module."""
    project = write_notes(tmp_path_factory.mktemp(folder) / "notes")
    yield project
    project.server.destroy()
