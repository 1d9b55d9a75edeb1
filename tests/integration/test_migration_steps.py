"""``kiln db upgrade``/``downgrade``/``current`` report the migrations from the revisions the
database records before and after, not from Alembic's log: the same lines whether the project's
``alembic.ini`` logs to stderr (the template's), to stdout, or not at all."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from notes_project import TEMPLATE_MIGRATIONS, Notes, write_notes

pytestmark = pytest.mark.xdist_group("migration-steps")  # one project and server per module

DB = "notes_development"
SECOND = '''"""Give notes a title.

Revision ID: 0002title
Revises: 0001notes
"""

import sqlalchemy as sa
from alembic import op

revision = "0002title"
down_revision = "0001notes"


def upgrade():
    op.add_column("note", sa.Column("title", sa.String(), nullable=True))


def downgrade():
    op.drop_column("note", "title")
'''
# Annotated, as Alembic 1.13+ writes them.
THIRD = '''"""Index the titles.

Revision ID: 0003index
Revises: 0002title
"""

from alembic import op

revision: str = "0003index"
down_revision: str | None = "0002title"


def upgrade():
    op.create_index("ix_note_title", "note", ["title"])


def downgrade():
    op.drop_index("ix_note_title", "note")
'''
APPLIED = [
    f"upgraded {DB}: base -> 0001notes, Create the notes table.",
    f"upgraded {DB}: 0001notes -> 0002title, Give notes a title.",
    f"upgraded {DB}: 0002title -> 0003index, Index the titles.",
]
UNDONE = [
    f"downgraded {DB}: 0003index -> 0002title, Index the titles.",
    f"downgraded {DB}: 0002title -> 0001notes, Give notes a title.",
    f"downgraded {DB}: 0001notes -> base, Create the notes table.",
]
LOGS_TO_STDOUT = (
    (TEMPLATE_MIGRATIONS / "alembic.ini")
    .read_text()
    .replace("args = (sys.stderr,)", "args = (sys.stdout,)")
)
# A root logger at WARN and nothing else: Alembic logs no step at all.
NO_LOGGING = """[alembic]

[loggers]
keys = root

[handlers]
keys =

[formatters]
keys =

[logger_root]
level = WARN
handlers =
"""


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notes]:
    project = write_notes(tmp_path_factory.mktemp("migration-steps") / "notes")
    project.write("migrations/versions/0002_title.py", SECOND)
    project.write("migrations/versions/0003_index.py", THIRD)
    yield project
    project.server.destroy()


@pytest.fixture
def at_base(notes: Notes) -> Notes:
    """The development database with no migration applied (created if it was not)."""
    reset = notes.kiln("db", "downgrade", "base")
    assert reset.returncode == 0, reset.stdout + reset.stderr
    return notes


def lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The command's report (its stdout), once it succeeded."""
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def test_upgrade_lists_each_migration_applied_oldest_first(at_base: Notes) -> None:
    assert lines(at_base.kiln("db", "upgrade", "0002title")) == APPLIED[:2]
    assert lines(at_base.kiln("db", "upgrade")) == APPLIED[2:]


def test_upgrade_with_nothing_to_apply_says_so(at_base: Notes) -> None:
    assert lines(at_base.kiln("db", "upgrade")) == APPLIED
    assert lines(at_base.kiln("db", "upgrade")) == [f"nothing to apply: {DB} is up to date"]


def test_downgrade_lists_each_migration_undone_newest_first(at_base: Notes) -> None:
    lines(at_base.kiln("db", "upgrade"))
    assert lines(at_base.kiln("db", "downgrade", "-1")) == UNDONE[:1]
    assert lines(at_base.kiln("db", "downgrade", "base")) == UNDONE[1:]
    assert lines(at_base.kiln("db", "downgrade", "base")) == [
        f"{DB} is already at or below base: nothing to undo"
    ]


def test_stamp_reports_the_one_change_it_recorded(at_base: Notes) -> None:
    assert lines(at_base.kiln("db", "stamp", "0002title")) == [
        f"stamped {DB}: base -> 0002title (nothing ran)"
    ]
    assert lines(at_base.kiln("db", "current")) == ["0002title"]
    assert lines(at_base.kiln("db", "stamp", "base")) == [
        f"stamped {DB}: 0002title -> base (nothing ran)"
    ]


@pytest.mark.parametrize("ini", [LOGS_TO_STDOUT, NO_LOGGING], ids=["logs-to-stdout", "no-logging"])
def test_the_report_does_not_depend_on_alembics_logging(at_base: Notes, ini: str) -> None:
    with at_base.changed("migrations/alembic.ini", ini):
        assert lines(at_base.kiln("db", "upgrade")) == APPLIED
        assert lines(at_base.kiln("db", "upgrade")) == [f"nothing to apply: {DB} is up to date"]
        assert lines(at_base.kiln("db", "current")) == ["0003index (head)"]
        assert lines(at_base.kiln("db", "downgrade", "0001notes")) == UNDONE[:2]
        assert lines(at_base.kiln("db", "current")) == ["0001notes"]


BROKEN = '''"""Require a title.

Revision ID: 0004broken
Revises: 0003index
"""

from alembic import op

revision = "0004broken"
down_revision = "0003index"


def upgrade():
    op.execute("ALTER TABLE note ADD COLUMN body varchar NOT NULL DEFAULT nosuchfunction()")


def downgrade():
    pass
'''


def test_a_failing_migration_is_named_without_alembics_log(at_base: Notes) -> None:
    lines(at_base.kiln("db", "upgrade"))
    with (
        at_base.changed("migrations/alembic.ini", NO_LOGGING),
        at_base.changed("migrations/versions/0004_broken.py", BROKEN),
    ):
        failed = at_base.kiln("db", "upgrade")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert (
        f"error: migrations/versions/0004_broken.py:14: migration 0004broken (Require a title.) "
        f"failed on {DB}: function nosuchfunction() does not exist (UndefinedFunction)"
    ) in failed.stderr
