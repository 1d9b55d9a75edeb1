"""Alembic's failures, as ``flask db`` prints them, turned into what kiln tells the user."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.database.alembic_errors import Invocation, explain
from kiln.errors import KilnError, UsageError

MIGRATIONS = Path("/work/shop/migrations")
PREAMBLE = (
    "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\n"
    "INFO  [alembic.runtime.migration] Will assume transactional DDL.\n"
)


def ran(
    command: str = "upgrade", revision: str | None = "head", directory: Path = MIGRATIONS
) -> Invocation:
    return Invocation(command, "shop_development", directory, revision)


def failed(line: str) -> str:
    return f"{PREAMBLE}ERROR [flask_migrate] Error: {line}\n"


def traceback(step: str, error: str, frame: str = "") -> str:
    """What ``flask db upgrade`` prints when a migration's SQL fails (shortened, same shape)."""
    return (
        f"{PREAMBLE}INFO  [alembic.runtime.migration] Running {step}\n"
        "Traceback (most recent call last):\n"
        '  File "/venv/lib/python3.12/site-packages/flask/__main__.py", line 3, in <module>\n'
        "    main()\n"
        f"{frame}"
        '  File "/venv/lib/python3.12/site-packages/psycopg/cursor.py", line 117, in execute\n'
        "    raise ex.with_traceback(None)\n"
        f"{error}\n"
        "[SQL: ALTER TABLE users ADD COLUMN bio VARCHAR(200) NOT NULL]\n"
        "(Background on this error at: https://sqlalche.me/e/21/gkpj)\n"
    )


def test_a_revision_the_user_typed_that_does_not_exist() -> None:
    error = explain(failed("Can't locate revision identified by 'bogus'"), ran("upgrade", "bogus"))

    assert isinstance(error, UsageError)
    problem = error.problems[0]
    assert problem.what == "no migration has the revision 'bogus'"
    assert problem.where == "kiln db upgrade bogus"
    assert "kiln db history" in problem.fix


def test_a_database_at_a_revision_no_file_defines() -> None:
    error = explain(failed("Can't locate revision identified by 'a83bfb81354e'"), ran())

    assert type(error) is KilnError
    problem = error.problems[0]
    assert problem.what.startswith(
        "shop_development is at revision a83bfb81354e, which no file in migrations/versions/ "
        "defines: it was applied from another branch, or its file was deleted"
    )
    assert "kiln db recreate" in problem.fix
    assert "kiln db downgrade" in problem.fix


def test_two_heads_point_to_a_merge() -> None:
    output = failed(
        "Multiple head revisions are present for given argument 'head'; please specify a "
        "specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' "
        "for all heads"
    )

    problem = explain(output, ran()).problems[0]

    assert problem.what.startswith("the migrations have more than one head")
    assert problem.where == "migrations/versions/"
    assert problem.fix == "join them with a merge migration: kiln db merge, then kiln db upgrade"


@pytest.mark.parametrize(
    ("revision", "what"),
    [
        ("-1", "shop_development cannot go back 1 migration: fewer than that are applied"),
        (
            "+2",
            "shop_development cannot go forward 2 migrations: fewer than that are left to apply",
        ),
    ],
)
def test_a_relative_revision_too_far(revision: str, what: str) -> None:
    output = failed(f"Relative revision {revision} didn't produce {revision[1:]} migrations")

    error = explain(output, ran("downgrade", revision))

    assert isinstance(error, UsageError)
    assert error.problems[0].what == what
    assert error.problems[0].where == f"kiln db downgrade {revision}"


FIRST = "d51a5c6439dc_create_users.py"
BIO = "c2cb35a5f983_add_a_bio.py"
SCRIPTS = {
    FIRST: '"""Create the users table.\n\nRevision ID: d51a5c6439dc\n"""\n\n'
    'revision = "d51a5c6439dc"\ndown_revision = None\n',
    BIO: '"""Add a bio to users\n\nRevision ID: c2cb35a5f983\n"""\n\n'
    'revision = "c2cb35a5f983"\ndown_revision = "d51a5c6439dc"\n',
}


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    """A migrations folder with the two scripts the tracebacks below pass through."""
    (tmp_path / "migrations/versions").mkdir(parents=True)
    for name, text in SCRIPTS.items():
        (tmp_path / "migrations/versions" / name).write_text(text)
    return tmp_path / "migrations"


def in_script(migrations: Path, script: str, function: str = "upgrade", line: int = 20) -> str:
    """The traceback's frame in a migration script (Alembic's log of the step is not needed)."""
    return (
        f'  File "{migrations}/versions/{script}", line {line}, in {function}\n'
        '    with op.batch_alter_table("users", schema=None) as batch_op:\n'
    )


def test_a_failing_migration_names_its_file_the_error_and_the_way_out(migrations: Path) -> None:
    output = traceback(
        "upgrade d51a5c6439dc -> c2cb35a5f983, Add a bio to users",
        "sqlalchemy.exc.IntegrityError: (psycopg.errors.NotNullViolation) "
        'column "bio" of relation "users" contains null values',
        in_script(migrations, BIO),
    )

    problem = explain(output, ran(directory=migrations)).problems[0]

    assert problem.what == (
        'migration c2cb35a5f983 (Add a bio to users) failed on shop_development: column "bio" of '
        'relation "users" contains null values (NotNullViolation); PostgreSQL rolled back its '
        "changes"
    )
    assert problem.where == f"migrations/versions/{BIO}:20"
    assert "server_default" in problem.fix


def test_without_alembics_log_the_traceback_still_names_the_migration(migrations: Path) -> None:
    output = traceback(
        "upgrade d51a5c6439dc -> c2cb35a5f983, Add a bio to users",
        "sqlalchemy.exc.IntegrityError: (psycopg.errors.NotNullViolation) null values",
        in_script(migrations, BIO),
    )
    silent = "\n".join(line for line in output.splitlines() if not line.startswith("INFO"))

    problem = explain(silent, ran(directory=migrations)).problems[0]

    assert problem.what.startswith("migration c2cb35a5f983 (Add a bio to users) failed")


def test_a_failing_downgrade_names_the_migration_it_was_undoing(migrations: Path) -> None:
    output = traceback(
        "downgrade c2cb35a5f983 -> d51a5c6439dc, Add a bio to users",
        "sqlalchemy.exc.IntegrityError: (psycopg.errors.UniqueViolation) "
        'could not create unique index "uq_users_email"',
        in_script(migrations, BIO, "downgrade", 31),
    )

    problem = explain(output, ran("downgrade", "-1", migrations)).problems[0]

    assert problem.what.startswith("migration c2cb35a5f983 (Add a bio to users) failed")
    assert problem.where == f"migrations/versions/{BIO}:31"
    assert "duplicates" in problem.fix


def test_a_python_error_in_a_migration_is_shown_as_it_is(migrations: Path) -> None:
    output = traceback(
        "upgrade  -> d51a5c6439dc, Create",
        "NameError: name 'sa' is not defined",
        in_script(migrations, FIRST),
    )

    problem = explain(output, ran(directory=migrations)).problems[0]

    assert "failed on shop_development: NameError: name 'sa' is not defined;" in problem.what
    assert problem.fix == "correct the migration, then run the command again"


def test_tables_made_by_create_all_stop_the_first_migration(migrations: Path) -> None:
    output = traceback(
        "upgrade  -> d51a5c6439dc, Create the users table.",
        'sqlalchemy.exc.ProgrammingError: (psycopg.errors.DuplicateTable) relation "users" already '
        "exists",
        in_script(migrations, FIRST),
    )

    problem = explain(output, ran(directory=migrations)).problems[0]

    assert problem.what.startswith(
        "shop_development has tables (users) but no record of any migration: it was built with "
        "create_all or by hand"
    )
    assert "kiln db recreate" in problem.fix
    assert "kiln db stamp head" in problem.fix


def test_anything_else_keeps_the_end_of_the_output() -> None:
    error = explain(failed("Ambiguous walk"), ran("downgrade", "-1"))

    problem = error.problems[0]
    assert problem.what.startswith("kiln db downgrade -1 failed on shop_development:\n")
    assert "Error: Ambiguous walk" in problem.what
    assert problem.where == f"flask db downgrade --directory {MIGRATIONS}"
