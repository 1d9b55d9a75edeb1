"""A setup failure in a test session (no server, a failing migration, two heads, an app that
cannot be built) is reported once, in the first test that needs the database, and stops the
session with pytest's exit code 2, instead of one error per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mini_project import Mini
from notes_project import APP, Notes, module_notes

STOPPED = "Interrupted: kiln: the tests cannot run until the error above is fixed"
MIGRATION = '''"""{message}

Revision ID: {revision}
Revises: 0001notes
"""

from alembic import op

revision = "{revision}"
down_revision = "0001notes"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("{sql}")


def downgrade():
    pass
'''
FAILING = MIGRATION.format(
    message="Read a table that is not there.", revision="0002fail", sql="SELECT * FROM nosuchtable"
)
BRANCH = MIGRATION.format(message="One of two.", revision="{revision}", sql="SELECT 1")
LAZY_VIEWS = APP.replace(
    "    migrate.init_app(app, db)\n",
    "    migrate.init_app(app, db)\n    from . import views  # noqa\n",
)


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notes]:
    yield from module_notes(tmp_path_factory, "session-failures")


def assert_stopped_once(code: int, output: str, message: str) -> None:
    assert code == 2, output
    assert output.count("ERROR at setup of") == 1, output
    # The short summary repeats the message in full where pytest thinks it runs on CI.
    report, _, _ = output.partition("short test summary info")
    assert report.count(message) == 1, output
    assert STOPPED in output
    assert "During handling of the above exception" not in output
    assert "passed" not in output  # the session stopped: nothing ran after the failure


def test_an_unreachable_database_url_stops_the_session_once(mini: Mini) -> None:
    code, output = mini.run_tests(env={"DATABASE_URL": "postgresql://kiln@127.0.0.1:1/mini_test"})
    assert_stopped_once(code, output, "cannot connect to PostgreSQL at 127.0.0.1:1")
    assert "error: DATABASE_URL=postgresql://kiln@127.0.0.1:1/mini_test: " in output
    assert "or unset DATABASE_URL to let kiln run its own PostgreSQL" in output


def test_a_failing_migration_stops_the_session_once(notes: Notes) -> None:
    with notes.changed("migrations/versions/0002_fail.py", FAILING):
        code, output = notes.pytest()
    assert_stopped_once(code, output, "migration 0002fail (Read a table that is not there.)")
    assert "error: migrations/versions/0002_fail.py:" in output
    assert 'relation "nosuchtable" does not exist (UndefinedTable)' in output


def test_two_heads_stop_the_session_once(notes: Notes) -> None:
    with (
        notes.changed("migrations/versions/0002_a.py", BRANCH.replace("{revision}", "0002a")),
        notes.changed("migrations/versions/0002_b.py", BRANCH.replace("{revision}", "0002b")),
    ):
        code, output = notes.pytest()
    assert_stopped_once(code, output, "the migrations have more than one head")
    assert "fix: join them with a merge migration: kiln db merge" in output


def test_an_app_that_cannot_be_built_stops_the_session_once(notes: Notes) -> None:
    with (
        notes.changed("src/notes/app.py", LAZY_VIEWS),
        notes.changed("src/notes/views.py", "def index(:\n    pass\n"),
    ):
        code, output = notes.pytest()
    assert_stopped_once(code, output, "the app cannot be built: SyntaxError")
    assert "error: src/notes/views.py:1: the app cannot be built: SyntaxError: " in output
    assert 'File "' not in output


def test_a_healthy_session_runs_every_test(notes: Notes) -> None:
    code, output = notes.pytest("-q")
    assert code == 0, output
    assert "3 passed" in output
