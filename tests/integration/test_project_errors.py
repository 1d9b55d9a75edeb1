"""An error in the project's own code is reported as the project's, by every command that builds
the app: its file and line, the imports that led there, and none of kiln's, Flask's or Alembic's
frames; only a real Alembic failure mentions Alembic."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest
from notes_project import APP, MODELS, Notes, module_notes

BROKEN_MODELS = MODELS.replace("class Note(db.Model):", "class Note(db.Model:")
BROKEN_IMPORT = APP.replace("import os\n", "import os\nimport nosuchmodule\n")
NO_MIGRATE = APP.replace("    migrate.init_app(app, db)\n", "")


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notes]:
    yield from module_notes(tmp_path_factory, "project-errors")


def line_of(text: str, code: str) -> int:
    return text.splitlines().index(code) + 1


def assert_frame(output: str, path: str, line: int, code: str) -> None:
    """One line of the project's frames: ``    src/notes/app.py:8   from .models import ...``."""
    assert re.search(rf"^    {re.escape(f'{path}:{line}')} +{re.escape(code)}$", output, re.M), (
        output
    )


MODELS_LINE = line_of(BROKEN_MODELS, "class Note(db.Model:")
IMPORT_LINE = line_of(APP, "from .models import Note, db")


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


COMMANDS = [
    ["serve", "--port", "PORT"],
    ["db", "check"],
    ["db", "migrate", "-m", "Add a title"],
    ["db", "upgrade"],
    ["db", "seed"],
    ["scenario", "up", "one"],
    ["shell"],
    ["flask", "routes"],
]


def run(notes: Notes, command: list[str]) -> str:
    """The command's whole output, once it failed with exit code 1."""
    args = [free_port() if arg == "PORT" else arg for arg in command]
    result = notes.kiln(*args)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    return output


def assert_only_the_projects_frames(output: str) -> None:
    assert "Traceback" not in output
    assert 'File "' not in output
    assert "site-packages" not in output
    assert "src/kiln/" not in output  # this checkout's own modules
    assert "lembic" not in output
    assert "No such command" not in output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_syntax_error_in_the_models_is_the_projects(notes: Notes, command: list[str]) -> None:
    with notes.changed("src/notes/models.py", BROKEN_MODELS):
        output = run(notes, command)
    line = MODELS_LINE
    assert f"error: src/notes/models.py:{line}: the app cannot be built: SyntaxError: " in output
    assert_frame(output, "src/notes/__init__.py", 1, "from .app import create_app")
    assert_frame(output, "src/notes/app.py", IMPORT_LINE, "from .models import Note, db")
    assert_frame(output, "src/notes/models.py", line, "class Note(db.Model:")
    assert f"fix: correct src/notes/models.py at line {line}, then run the command again" in (
        output
    )
    assert_only_the_projects_frames(output)


@pytest.mark.parametrize(
    "command", [["serve", "--port", "PORT"], ["db", "upgrade"], ["scenario", "up", "one"]]
)
def test_an_import_of_a_missing_module_is_the_projects(notes: Notes, command: list[str]) -> None:
    with notes.changed("src/notes/app.py", BROKEN_IMPORT):
        output = run(notes, command)
    assert (
        f"error: src/notes/app.py:{line_of(BROKEN_IMPORT, 'import nosuchmodule')}: "
        "the app cannot be built: ModuleNotFoundError: "
        "No module named 'nosuchmodule'\n"
    ) in output
    assert "if nosuchmodule is a library the project needs, add it to [project] dependencies" in (
        output
    )
    assert_only_the_projects_frames(output)


def test_doctor_builds_the_app_and_names_the_error(notes: Notes) -> None:
    with notes.changed("src/notes/models.py", BROKEN_MODELS):
        result = notes.kiln("doctor")
    assert result.returncode == 1
    assert f"[FAIL] src/notes/models.py:{MODELS_LINE}: the app cannot be built: SyntaxError: " in (
        result.stdout
    )
    assert "All checks passed" not in result.stdout + result.stderr
    healthy = notes.kiln("doctor")
    assert "[  ok] the app notes:create_app('development') builds (2 routes)" in healthy.stdout


def test_an_app_without_flask_migrate_is_told_so(notes: Notes) -> None:
    with notes.changed("src/notes/app.py", NO_MIGRATE):
        result = notes.kiln("db", "upgrade")
    assert result.returncode == 2, result.stderr
    assert (
        "the app has migrations but no Flask-Migrate, so flask has no db command to run them"
        in result.stderr
    )
    assert "fix: attach it in the factory: migrate.init_app(app, db)" in result.stderr


def test_a_real_alembic_failure_still_names_the_migration(notes: Notes) -> None:
    result = notes.kiln("db", "upgrade", "nosuchrevision")
    assert result.returncode == 2
    assert "no migration has the revision 'nosuchrevision'" in result.stderr
    assert "the app cannot be built" not in result.stderr
