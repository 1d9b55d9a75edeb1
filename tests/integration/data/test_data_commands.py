"""``kiln db seed / drop / recreate`` and the migration commands on a project without migrations."""

from __future__ import annotations

import os
import pty
import select
import time
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Project

DEV = "mini_development"


def test_seed_adds_only_what_is_missing(project: Project) -> None:
    project.kiln("db", "recreate", "--yes")  # without migrations, create_all makes the tables

    first = project.kiln("db", "seed")

    assert first.returncode == 0, first.stderr
    assert first.stdout == f"mini.seeding:seed_notes added 2 rows to {DEV}\n"
    again = project.kiln("db", "seed")
    assert (
        again.stdout == f"{DEV} already has the seed data: mini.seeding:seed_notes added nothing\n"
    )
    assert project.notes(DEV) == ["first", "second"]


def test_seed_without_a_seed_function_says_how_to_name_one(project: Project) -> None:
    pyproject = project.root / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text(original.replace('seed = "mini.seeding:seed_notes"\n', ""))
    try:
        result = project.kiln("db", "seed")
    finally:
        pyproject.write_text(original)

    assert result.returncode == 2
    assert "pyproject.toml [tool.kiln]: the project names no seed function" in result.stderr
    assert 'seed = "yourpackage.seed:seed_db"' in result.stderr


def test_seed_naming_a_missing_function(project: Project) -> None:
    pyproject = project.root / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text(original.replace("seed_notes", "seed_nothing"))
    try:
        result = project.kiln("db", "seed")
    finally:
        pyproject.write_text(original)

    assert result.returncode == 2
    assert "[tool.kiln] seed: mini.seeding has no function 'seed_nothing'" in result.stderr


def test_recreate_without_migrations_builds_the_tables_with_create_all(project: Project) -> None:
    project.kiln("db", "seed")

    result = project.kiln("db", "recreate", "--yes")

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"dropped {DEV}\ncreated {DEV}\n"
    assert project.notes(DEV) == []


def test_drop_then_nothing_to_drop(project: Project) -> None:
    project.kiln("db", "create")

    assert project.kiln("db", "drop", "--yes").stdout == f"dropped {DEV}\n"
    assert DEV not in project.databases()
    assert project.kiln("db", "drop").stdout == f"{DEV} does not exist: nothing to drop\n"


@pytest.mark.parametrize("command", ["drop", "recreate"])
def test_without_a_terminal_it_takes_yes(project: Project, command: str) -> None:
    project.kiln("db", "create")

    result = project.kiln("db", command)

    assert result.returncode == 2
    assert "there is no terminal to ask for a confirmation on" in result.stderr
    assert f"fix: add --yes to confirm: kiln db {command} --yes" in result.stderr
    assert DEV in project.databases()


@pytest.mark.parametrize("command", ["drop", "recreate"])
@pytest.mark.parametrize(
    ("args", "env", "where"),
    [
        (["--env", "production", "--yes"], {}, "--env production"),
        (["--yes"], {"KILN_ENV": "production"}, "(KILN_ENV=production)"),
        (["--yes"], {"APPLICATION_CONFIG": "production"}, "(APPLICATION_CONFIG=production)"),
    ],
)
def test_production_is_refused_whatever_the_flags(
    project: Project, command: str, args: list[str], env: dict[str, str], where: str
) -> None:
    project.kiln("db", "up")
    before = project.databases()

    result = project.kiln("db", command, *args, env=env)

    assert result.returncode == 2
    assert f"kiln db {command} {where}" in result.stderr
    assert "refused in production: it would delete the production data (no flag overrides" in (
        result.stderr
    )
    assert "DROP DATABASE" in result.stderr
    assert project.databases() == before


def test_on_a_terminal_it_asks_and_no_keeps_the_data(project: Project) -> None:
    project.kiln("db", "recreate", "--yes")
    project.kiln("db", "seed")

    code, output = _on_terminal(project, ["db", "drop"], answer="n")

    assert f"Drop {DEV} with all its data? [y/N]" in output
    assert "Aborted." in output
    assert code == 1
    assert project.notes(DEV) == ["first", "second"]


def test_on_a_terminal_yes_goes_ahead(project: Project) -> None:
    project.kiln("db", "recreate", "--yes")
    project.kiln("db", "seed")

    code, output = _on_terminal(project, ["db", "recreate"], answer="y")

    assert code == 0, output
    assert f"Drop {DEV} with all its data and build it again? [y/N]" in output
    assert project.notes(DEV) == []


@pytest.mark.parametrize(
    "command",
    [["upgrade"], ["downgrade", "-1"], ["current"], ["history"], ["check"], ["migrate", "-m", "x"]],
)
def test_migration_commands_need_migrations(project: Project, command: list[str]) -> None:
    result = project.kiln("db", *command)

    assert result.returncode == 2
    assert "this project has no migrations yet (no env.py)" in result.stderr
    assert "kiln flask db init" in result.stderr


def _on_terminal(project: Project, args: list[str], answer: str) -> tuple[int, str]:
    """Run kiln with a pseudo-terminal as its terminal; answer its question once it is asked."""
    main, secondary = pty.openpty()
    process = project.start(*args, stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    output, answered = b"", False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closes when kiln exits
                break
            if not chunk:
                break
            output += chunk
        if not answered and b"[y/N]" in output:
            os.write(main, answer.encode() + b"\n")
            answered = True
    else:
        process.kill()
        process.wait()
        os.close(main)
        pytest.fail(f"kiln {' '.join(args)} did not exit within 60 s:\n{output.decode()}")
    os.close(main)
    return process.wait(timeout=30), output.decode()
