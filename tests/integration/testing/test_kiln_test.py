"""``kiln test`` through the real CLI: paths typed from the current folder, ``--env``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kiln_cli import run_kiln
from mini_project import Mini

ENVIRONMENT = """
import os


def test_runs_with_the_chosen_settings(db):
    assert (os.environ["KILN_ENV"], os.environ.get("GREETING")) == ("staging", "from staging")
"""


def kiln_test(mini: Mini, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_kiln("test", *args, cwd=cwd or mini.root, env={"PYTHONPATH": str(mini.root / "src")})


def test_paths_are_taken_from_the_current_folder(mini: Mini) -> None:
    inside = kiln_test(mini, "-q", "--no-cov", "test_notes.py", cwd=mini.root / "tests")
    assert inside.returncode == 0, inside.stdout + inside.stderr
    assert "6 passed" in inside.stdout
    one = kiln_test(
        mini, "-q", "--no-cov", "test_notes.py::test_starts_empty", cwd=mini.root / "tests"
    )
    assert "1 passed" in one.stdout, one.stdout
    from_root = kiln_test(mini, "-q", "--no-cov", "tests/test_notes.py", cwd=mini.root / "tests")
    assert "6 passed" in from_root.stdout, from_root.stdout  # written from the root: still found


def test_env_chooses_the_settings_the_tests_run_with(mini: Mini) -> None:
    mini.write("config/staging.toml", 'GREETING = "from staging"\n')
    mini.write("tests/test_environment.py", ENVIRONMENT)
    try:
        staging = kiln_test(mini, "--env", "staging", "-q", "--no-cov", "tests/test_environment.py")
        default = kiln_test(mini, "-q", "--no-cov", "tests/test_environment.py")
    finally:
        (mini.root / "tests/test_environment.py").unlink()
        (mini.root / "config/staging.toml").unlink()
    assert staging.returncode == 0, staging.stdout + staging.stderr
    assert "1 passed" in staging.stdout
    assert default.returncode == 1
    assert "('testing', None) == ('staging', 'from staging')" in default.stdout


def test_env_refuses_production(mini: Mini) -> None:
    result = kiln_test(mini, "--env", "production")
    assert result.returncode == 2
    assert "kiln test --env production: refused" in result.stderr
    assert "unrecognized arguments" not in result.stderr
