"""The ``jobs`` fixture in a project's own test run, on a real PostgreSQL."""

from __future__ import annotations

from chores_project import Chores


def test_the_fixture_defers_in_the_test_and_runs_jobs_when_asked(chores: Chores) -> None:
    done = chores.pytest("-q", "tests/test_fixture.py")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 passed" in done.stdout
    test_databases = [
        name
        for (name,) in chores.rows("SELECT datname FROM pg_database", database="postgres")
        if name.startswith("chores_test_")
    ]
    assert test_databases
    for name in test_databases:  # everything the tests deferred and ran was rolled back
        assert chores.rows("SELECT count(*) FROM procrastinate_jobs", database=name) == [(0,)]
        assert chores.rows("SELECT count(*) FROM notes", database=name) == [(0,)]
