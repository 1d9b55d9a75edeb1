"""kiln runs the project's code in the project's Python, wherever kiln itself was installed.

Here kiln always runs from this test run's Python, where the ``notes`` project is not importable
(no ``PYTHONPATH``): what works, works because kiln found the project's interpreter. The
virtualenvs are made without pip (fast); a ``.pth`` file gives them this run's packages (Flask,
kiln...) and the project's ``src``, as ``pip install -e '.[dev]'`` would.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kiln_cli import run_kiln, start_kiln
from notes_project import Notes, module_notes

NO_PYTHON = (
    "no Python for this project: it has no .venv, no virtualenv is active, and notes is not "
    "installed in kiln's own"
)
MAKE_ONE = "give the project its virtualenv: python3 -m venv .venv && .venv/bin/python -m pip"


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notes]:
    yield from module_notes(tmp_path_factory, "project-python")


@pytest.fixture
def venv(notes: Notes) -> Iterator[Path]:
    """Where the project's ``.venv`` goes; whatever a test put there is gone afterwards."""
    yield notes.root / ".venv"
    shutil.rmtree(notes.root / ".venv", ignore_errors=True)


def make_venv(folder: Path, *paths: Path, packages: bool = True) -> Path:
    """A virtualenv at ``folder`` where ``paths`` are importable and, with ``packages``, this
    run's site-packages too (kiln, Flask, pytest...). Returns its ``bin/python``."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next(folder.glob("lib/python3*/site-packages"))
    lines = [f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})"] * packages
    lines += map(str, paths)
    (site / "test-installs.pth").write_text("".join(f"{line}\n" for line in lines))
    return folder / "bin" / "python"


def kiln(notes: Notes, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """kiln from this run's Python, which cannot import the project."""
    return run_kiln(*args, cwd=notes.root, env=env)


def test_kiln_from_another_environment_runs_the_project_in_its_venv(
    notes: Notes, venv: Path
) -> None:
    make_venv(venv, notes.root / "src")
    doctor = kiln(notes, "doctor")
    assert f"project Python 3.{sys.version_info.minor}" in doctor.stdout
    assert f"{venv}/bin/python (the project's .venv); notes and kiln are installed" in doctor.stdout
    assert "[  ok] the app notes:create_app('development') builds (2 routes)" in doctor.stdout
    tests = kiln(notes, "test", "-q", "-p", "no:cacheprovider")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout
    upgrade = kiln(notes, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr


@pytest.mark.parametrize(
    "command",
    [["test"], ["serve"], ["db", "upgrade"], ["db", "check"], ["db", "seed"], ["shell"]],
)
def test_without_a_python_for_the_project_kiln_says_how_to_make_one(
    notes: Notes, command: list[str]
) -> None:
    result = kiln(notes, *command)
    assert result.returncode == 1, result.stdout + result.stderr
    assert NO_PYTHON in result.stderr
    assert f"fix: {MAKE_ONE} install -e '.[dev]'" in result.stderr
    assert "No module named" not in result.stdout + result.stderr


def test_a_venv_without_the_project_is_named_with_the_install_command(
    notes: Notes, venv: Path
) -> None:
    make_venv(venv, packages=False)
    result = kiln(notes, "db", "upgrade")
    assert result.returncode == 1
    assert (
        f"notes and kiln are not installed in {venv}/bin/python (the project's .venv), "
        "which runs the project's code"
    ) in result.stderr
    assert "fix: install the project there with its dev extra (which brings kiln): " in (
        result.stderr
    )
    assert ".venv/bin/python -m pip install -e '.[dev]'" in result.stderr
    doctor = kiln(notes, "doctor")
    assert doctor.returncode == 1
    assert "[FAIL] " in doctor.stdout
    assert "notes and kiln are not installed in" in doctor.stdout


def test_a_venv_without_kiln_says_kiln_is_needed_there(notes: Notes, venv: Path) -> None:
    make_venv(venv, notes.root / "src", packages=False)
    result = kiln(notes, "test")
    assert result.returncode == 1
    assert f"kiln is not installed in {venv}/bin/python (the project's .venv)" in result.stderr
    assert "No module named" not in result.stdout + result.stderr


def test_the_active_virtualenv_serves_when_the_project_has_none(
    notes: Notes, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "envs" / "notes"
    make_venv(elsewhere, notes.root / "src")
    doctor = kiln(notes, "doctor", VIRTUAL_ENV=str(elsewhere))
    assert f"{elsewhere}/bin/python (the active virtualenv, VIRTUAL_ENV)" in doctor.stdout
    result = kiln(notes, "flask", "routes", VIRTUAL_ENV=str(elsewhere))
    assert result.returncode == 0, result.stderr
    assert "/notes" in result.stdout


def test_an_active_virtualenv_without_the_project_suggests_one_of_its_own(
    notes: Notes, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    make_venv(other)
    result = kiln(notes, "flask", "routes", VIRTUAL_ENV=str(other))
    assert result.returncode == 1
    assert f"VIRTUAL_ENV={other}: notes is not installed in {other}/bin/python" in result.stderr
    assert "or give the project a virtualenv of its own: python3 -m venv .venv" in result.stderr


def test_a_configured_python_comes_first(notes: Notes, venv: Path, tmp_path: Path) -> None:
    python = make_venv(tmp_path / "chosen", notes.root / "src")
    make_venv(venv, packages=False)  # would fail: the configured one must win
    pyproject = notes.root / "pyproject.toml"
    original = pyproject.read_text()
    try:
        pyproject.write_text(original + f'python = "{python}"\n')
        doctor = kiln(notes, "doctor")
        assert f"{python} ([tool.kiln] python); notes and kiln are installed" in doctor.stdout
        pyproject.write_text(original + 'python = "envs/none/bin/python"\n')
        result = kiln(notes, "db", "upgrade")
        assert result.returncode == 2
        assert (
            f"{pyproject} [tool.kiln] python: cannot run {notes.root}/envs/none/bin/python: "
            "No such file or directory"
        ) in result.stderr
        pyproject.write_text(original + "python = 3\n")
        result = kiln(notes, "db", "upgrade")
        assert result.returncode == 2
        assert "[tool.kiln] python: python 3 is not a path to an interpreter" in result.stderr
    finally:
        pyproject.write_text(original)


def test_serve_prod_looks_for_gunicorn_in_the_project_python(notes: Notes, venv: Path) -> None:
    stub = notes.root / "stub"  # find_spec is all the check does: a kiln folder satisfies it
    (stub / "kiln").mkdir(parents=True)
    (stub / "kiln" / "__init__.py").write_text("")
    make_venv(venv, notes.root / "src", stub, packages=False)
    (notes.root / "gunicorn.conf.py").write_text("")
    try:
        result = kiln(notes, "serve", "--prod", SECRET_KEY="x" * 40)
    finally:
        shutil.rmtree(stub)
        (notes.root / "gunicorn.conf.py").unlink()
    assert result.returncode == 1, result.stderr
    assert f"gunicorn is not installed in {venv}/bin/python (the project's .venv)" in result.stderr


def test_watch_runs_itself_in_the_project_python(notes: Notes, venv: Path) -> None:
    make_venv(venv, notes.root / "src")
    watcher = start_kiln(
        "watch",
        "-q",
        cwd=notes.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output = _until(watcher, ("PASSED in", "FAILED in", "ERROR ("), seconds=90)
    finally:
        os.killpg(watcher.pid, signal.SIGINT)
        watcher.wait(timeout=30)
    assert "3 passed" in output, output
    assert "PASSED in" in output


def _until(process: subprocess.Popen, starts: tuple[str, ...], seconds: float) -> str:
    """What ``process`` prints up to the first line that ``starts`` with one of those."""
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    ).start()
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not any(line.startswith(starts) for line in seen[-1:]):
        with contextlib.suppress(queue.Empty):
            seen.append(lines.get(timeout=0.5))
    return "".join(seen)
