"""kiln installed into a project on the oldest releases it supports: nothing is upgraded, and the
project's suite runs on kiln's PostgreSQL with them.

pyproject.toml's floors (Flask 2.2, Flask-SQLAlchemy 3.0, SQLAlchemy 2.0, pytest 7.4) are what
the plugin and the runner truly need; this is where they are held to it. Jinja2 3.1.2 stands for
what the CLI's own dependencies would move (copier needs 3.1.5): they stay in the templates
extra, so kiln new says how to get them instead.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from kiln_cli import user_environ

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lowest-versions")]

KILN_ROOT = Path(__file__).resolve().parents[2]
FLOORS = ["flask==2.2.5", "werkzeug==2.2.3", "flask-sqlalchemy==3.0.5", "sqlalchemy==2.0.0"]
FLOORS += ["pytest==7.4.4", "jinja2==3.1.2"]
PROJECT = KILN_ROOT / "tests/integration/adoption/projects/dotted"


def run(*argv: str | Path, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=user_environ({"PYTHONPATH": str(cwd)}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_installing_kiln_upgrades_nothing_and_the_suite_passes(tmp_path: Path) -> None:
    import shutil

    from kiln.postgres import EmbeddedServer
    from kiln.project import find_project

    root = tmp_path / "dotted"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("__pycache__"))
    assert run(sys.executable, "-m", "venv", ".venv", cwd=root).returncode == 0
    pip = [root / ".venv/bin/python", "-m", "pip", "install", "-q"]
    floors = run(*pip, *FLOORS, cwd=root)
    assert floors.returncode == 0, floors.stderr
    before = run(root / ".venv/bin/python", "-m", "pip", "freeze", cwd=root).stdout

    kiln = run(*pip, KILN_ROOT, cwd=root)
    assert kiln.returncode == 0, kiln.stderr
    after = run(root / ".venv/bin/python", "-m", "pip", "freeze", cwd=root).stdout
    assert set(before.splitlines()) <= set(after.splitlines()), "installing kiln upgraded these"
    assert "Jinja2==3.1.2" in after.splitlines()
    assert not any(line.lower().startswith(("copier==", "pydantic==")) for line in after.split())

    new = run(root / ".venv/bin/kiln", "new", "other", "--no-input", cwd=tmp_path)
    assert new.returncode == 1, new.stdout + new.stderr
    assert "kiln new renders the project templates with copier" in new.stderr
    assert "fix: pip install 'flask-kiln[templates]'" in new.stderr
    assert "Traceback" not in new.stderr

    try:
        init = run(root / ".venv/bin/kiln", "init", cwd=root)
        assert init.returncode == 0, init.stdout + init.stderr
        assert "Flask 2.2.5, Flask-SQLAlchemy 3.0.5, SQLAlchemy 2.0.0, pytest 7.4.4" in init.stdout
        assert (
            "next: add flask-kiln (not flask-kiln[templates]) to the project's dev" in init.stdout
        )
        tests = run(root / ".venv/bin/kiln", "test", "--no-cov", "-q", cwd=root)
        assert tests.returncode == 0, tests.stdout + tests.stderr
        assert "2 passed" in tests.stdout
    finally:
        EmbeddedServer(find_project(root)).destroy()
