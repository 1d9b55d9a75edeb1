"""``kiln new``'s install with uv and with pip: a failure keeps the files and says how to retry.

The source given is a wheel that does not exist, as when kiln was installed from a file since
deleted; the tools run for real, each failing at the step that needs it.
"""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from kiln.errors import KilnError
from kiln.scaffold import KilnSource, create_project, create_venv
from kiln.scaffold.venv import Installer, Pip, choose_installer

WHEEL = "file:///nonexistent/flask_kiln-0.1.0-py3-none-any.whl"
MISSING = KilnSource(f"flask-kiln @ {WHEEL}", f"0.1.0 from {WHEEL}", local=True)


@pytest.mark.parametrize("installer", [choose_installer({}), Pip()], ids=["uv", "pip"])
def test_a_failed_install_keeps_the_files_and_says_how_to_retry(
    tmp_path: Path, installer: Installer
) -> None:
    root = tmp_path / "shop"
    create_project("shop", directory=root, kiln=MISSING)
    steps: list[str] = []

    with pytest.raises(KilnError) as caught:
        create_venv(root, "shop", MISSING, installer, steps.append)

    assert steps == [
        f"creating {root}/.venv (Python {platform.python_version()}) with {installer.name}",
        f"installing shop[dev] and kiln 0.1.0 from {WHEEL} with {installer.name}",
    ]
    (problem,) = caught.value.problems
    assert problem.where == str(root / "requirements-dev.txt")
    head, *output = problem.what.splitlines()
    assert head == (
        f"installing requirements-dev.txt with {installer.name} failed (exit code 1); "
        "the end of its output:"
    )
    assert "/nonexistent/flask_kiln-0.1.0-py3-none-any.whl" in output[-1]
    assert problem.fix is not None
    assert problem.fix.startswith(
        "the project's files are in place: fix the cause above, then run: "
        f"cd {root} && python3 -m venv .venv && . .venv/bin/activate && "
        "pip install -r requirements-dev.txt"
    )
    assert (root / "pyproject.toml").is_file()
    assert not (root / ".venv").exists()
