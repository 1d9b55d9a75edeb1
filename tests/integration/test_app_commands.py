"""``kiln flask``, ``kiln shell``, ``kiln serve`` and ``kiln doctor`` through the real CLI."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kiln_cli import run_kiln, start_kiln

from kiln.postgres import EmbeddedServer
from kiln.project import find_project

MINI = Path(__file__).parent / "testing" / "mini"


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The plugin tests' mini project, importable through PYTHONPATH; its server destroyed after."""
    import shutil

    root = tmp_path_factory.mktemp("app-commands") / "mini"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns("__pycache__"))
    yield root
    EmbeddedServer(find_project(root)).destroy()


def kiln(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in ``cwd``, the project's package importable through PYTHONPATH."""
    return run_kiln(*args, cwd=cwd, stdin=stdin, env={"PYTHONPATH": str(cwd / "src")})


def test_flask_runs_with_the_environment_and_a_created_database(mini: Path) -> None:
    result = kiln("flask", "routes", cwd=mini)
    assert result.returncode == 0, result.stderr
    assert "/notes" in result.stdout
    assert "created database mini_development" in result.stderr
    again = kiln("flask", "routes", cwd=mini)
    assert "created database" not in again.stderr


def test_flask_passes_its_exit_code_through(mini: Path) -> None:
    result = kiln("flask", "no-such-command", cwd=mini)
    assert result.returncode == 2
    assert "No such command" in result.stderr


def test_shell_runs_in_the_app_context(mini: Path) -> None:
    result = kiln(
        "shell", cwd=mini, stdin="print(app.name, app.config['SQLALCHEMY_DATABASE_URI'])\n"
    )
    assert result.returncode == 0, result.stderr
    assert "mini postgresql+psycopg://postgres@/mini_development" in result.stdout


def test_serve_refuses_a_port_in_use(mini: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kiln("serve", "--port", str(port), cwd=mini)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert f"--port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["serve"], ["flask", "routes"], ["shell"], ["test"]])
def test_outside_a_project_the_commands_say_so(tmp_path: Path, command: list[str]) -> None:
    result = kiln(*command, cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a kiln project" in result.stderr
    assert "kiln new NAME" in result.stderr


def test_doctor_names_the_uninstalled_package_and_the_fix(mini: Path) -> None:
    result = run_kiln("doctor", cwd=mini)  # without PYTHONPATH, as a user who did not install it
    assert result.returncode == 1
    assert "[FAIL] no Python for this project: it has no .venv, no virtualenv is active" in (
        result.stdout
    )
    assert "and mini is not installed in kiln's own" in result.stdout
    assert (
        "fix: give the project its virtualenv: "
        "python3 -m venv .venv && .venv/bin/python -m pip install -e '.[dev]'"
    ) in result.stdout
    assert "[  ok] config for development is valid" in result.stdout
    assert "PostgreSQL" in result.stdout


def test_doctor_spots_a_missing_init_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "application"\n[tool.kiln]\n')
    (tmp_path / "application").mkdir()
    (tmp_path / "application" / "app.py").write_text("")
    result = kiln("doctor", cwd=tmp_path)
    assert result.returncode == 1
    assert "application/ has no __init__.py, so it is not a package" in result.stdout
    assert "fix: touch application/__init__.py" in result.stdout


def test_doctor_passes_when_all_is_well(mini: Path) -> None:
    result = kiln("doctor", cwd=mini)
    assert result.returncode == 0, result.stdout
    assert "[  ok] the app mini:create_app('development') builds (3 routes)" in result.stdout
    assert "All checks passed." in result.stdout


@pytest.mark.parametrize(("configured", "mode"), [(None, "on"), ("false", "off")])
def test_serve_follows_the_configured_debug_mode(
    mini: Path, configured: str | None, mode: str
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ = {"PYTHONPATH": str(mini / "src")}
    if configured is not None:
        environ["FLASK_DEBUG"] = configured
    serving = start_kiln(
        "serve",
        "--port",
        str(port),
        cwd=mini,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        lines = _lines_until(serving, "Debug mode:", seconds=60)
    finally:
        os.killpg(serving.pid, signal.SIGINT)
        serving.wait(timeout=30)
    assert lines[-1].strip().endswith(f"Debug mode: {mode}"), "".join(lines)


def _lines_until(process: subprocess.Popen, marker: str, seconds: float) -> list[str]:
    """The lines ``process`` prints up to the first holding ``marker``; fails after ``seconds``."""
    assert process.stdout is not None
    deadline = time.monotonic() + seconds
    lines: list[str] = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if not ready:
            continue
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    pytest.fail(f"no line with {marker!r} within {seconds} s:\n{''.join(lines)}")
