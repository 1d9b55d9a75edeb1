"""``kiln flask``, ``kiln shell``, ``kiln serve`` and ``kiln doctor`` through the real CLI."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from kiln_cli import run_kiln, start_kiln
from processes import command_line, descendants, wait_until_gone

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


# A listener on a free loopback port that prints the port and waits.
LISTENER = (
    "import socket, time\n"
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
    "print(s.getsockname()[1], flush=True); time.sleep(60)\n"
)


def test_serve_names_the_process_that_holds_its_port(mini: Path) -> None:
    leftover = subprocess.Popen(
        [sys.executable, "-c", LISTENER], stdout=subprocess.PIPE, text=True
    )  # as a server left running by an earlier crash
    try:
        port = int(leftover.stdout.readline())
        result = kiln("serve", "--port", str(port), cwd=mini)
    finally:
        leftover.kill()
        leftover.wait(timeout=10)

    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use; it is held by " in (
        result.stderr
    )
    assert f"pid {leftover.pid} ({sys.executable} -c import socket" in result.stderr
    assert f"stop it: kill {leftover.pid}; or choose another port: --port {port + 1}" in (
        result.stderr
    )


def test_a_killed_kiln_serve_takes_flask_and_its_reloader_child_with_it(mini: Path) -> None:
    port = free_port()
    serving = serve_in(mini, "serve", "--port", str(port))
    try:
        _lines_until(serving, "Debugger is active!", seconds=60)  # the reloader's child is up
        flask = descendants(serving.pid)
        assert len(flask) == 2, [command_line(pid) for pid in flask]  # the reloader, its server

        serving.kill()  # SIGKILL: kiln cannot pass anything on
        serving.wait(timeout=10)
        left = wait_until_gone(flask, seconds=20)
    finally:
        with suppress(ProcessLookupError):  # whatever is left, so no later test meets it
            os.killpg(serving.pid, signal.SIGKILL)

    assert left == [], f"still running after kiln was killed: {[command_line(p) for p in left]}"
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))  # free for the next kiln serve


def test_a_killed_kiln_test_takes_pytest_and_its_workers_with_it(
    mini: Path, tmp_path: Path
) -> None:
    started = tmp_path / "started"
    started.mkdir()
    tests = mini / "slow_tests"
    tests.mkdir(exist_ok=True)
    (tests / "test_slow.py").write_text(
        "import os, pathlib, time\n\n"
        "def started():\n"
        "    pathlib.Path(os.environ['STARTED'], str(os.getpid())).touch()\n"
        "    time.sleep(60)\n\n"
        "def test_one():\n    started()\n\n"
        "def test_two():\n    started()\n"
    )
    testing = start_kiln(
        *("test", "-p", "no:cacheprovider", "-n", "2", "slow_tests"),
        cwd=mini,
        env={"PYTHONPATH": str(mini / "src"), "STARTED": str(started)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(started.iterdir())) < 2:
            assert time.monotonic() < deadline, "the two tests did not start within 60 s"
            assert testing.poll() is None, "kiln test ended early"
            time.sleep(0.1)
        # pytest runs in kiln's own process (kiln's Python is the project's here): its workers
        pytest_processes = descendants(testing.pid)
        assert len(pytest_processes) == 2, [command_line(p) for p in pytest_processes]

        testing.kill()
        testing.wait(timeout=10)
        left = wait_until_gone(pytest_processes, seconds=20)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(testing.pid, signal.SIGKILL)

    assert left == [], f"still running after kiln was killed: {[command_line(p) for p in left]}"


def test_serve_refuses_another_interface_naming_what_it_would_expose(mini: Path) -> None:
    result = kiln("serve", "--host", "0.0.0.0", "--port", str(free_port()), cwd=mini)

    assert result.returncode == 2
    assert result.stderr.startswith("error: kiln serve --host 0.0.0.0: anyone who can reach")
    assert "the Werkzeug debugger (FLASK_DEBUG is on), which runs any Python code" in (
        result.stderr
    )
    assert "a login-free /admin" in result.stderr
    assert "a SECRET_KEY published in kiln's source" in result.stderr
    assert "add --expose to serve there anyway" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_expose_serves_on_another_interface_with_a_warning(mini: Path) -> None:
    serving = serve_in(mini, "serve", "--host", "0.0.0.0", "--port", str(free_port()), "--expose")
    try:
        lines = _lines_until(serving, "Debug mode:", seconds=60)
    finally:
        os.killpg(serving.pid, signal.SIGINT)
        serving.wait(timeout=30)
    assert lines[0].startswith("kiln: warning: anyone who can reach this machine on port ")
    assert "Werkzeug debugger" in lines[0]
    assert "/admin" in lines[0]


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
    assert "[  ok] config for development is valid (4 settings)" in result.stdout  # as config show
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
    port = free_port()
    environ = {} if configured is None else {"FLASK_DEBUG": configured}
    serving = serve_in(mini, "serve", "--port", str(port), **environ)
    try:
        lines = _lines_until(serving, "Debug mode:", seconds=60)
    finally:
        os.killpg(serving.pid, signal.SIGINT)
        serving.wait(timeout=30)
    assert lines[-1].strip().endswith(f"Debug mode: {mode}"), "".join(lines)


def test_serve_env_production_needs_what_serve_prod_needs(mini: Path) -> None:
    refused = kiln("serve", "--env", "production", cwd=mini)
    assert refused.returncode == 2
    assert "DATABASE_URL" not in refused.stderr  # kiln provides mini_production, as with --prod
    assert "SECRET_KEY: required in production but not set" in refused.stderr
    assert "SECRET_KEY=$(" in refused.stderr
    assert ") kiln serve --env production;" in refused.stderr
    port = free_port()
    key = "3f9a1c0e5b7d2468ace0f1b2c3d4e5f6"
    serving = serve_in(mini, "serve", "--env", "production", "--port", str(port), SECRET_KEY=key)
    try:
        lines = _lines_until(serving, "Debug mode:", seconds=60)
    finally:
        os.killpg(serving.pid, signal.SIGINT)
        serving.wait(timeout=30)
    output = "".join(lines)
    assert "kiln: created database mini_production" in output
    assert f"kiln: serving mini (production) on http://127.0.0.1:{port}" in output
    assert "Debug mode: off" in output


@pytest.fixture
def logging_mini(tmp_path: Path) -> Iterator[Path]:
    """A mini whose app logs through a plain handler of its own, as most apps do (Werkzeug's own
    handler goes through colorama when installed, which drops the colours off a terminal)."""
    import shutil

    root = tmp_path / "mini"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns("__pycache__"))
    with (root / "src/mini/__init__.py").open("a") as package:
        package.write("\nimport logging\n\nlogging.basicConfig(level=logging.INFO)\n")
    yield root
    EmbeddedServer(find_project(root)).destroy()


def test_serve_logs_no_colour_codes_into_a_pipe(logging_mini: Path) -> None:
    port = free_port()
    serving = serve_in(logging_mini, "serve", "--port", str(port))
    try:
        _lines_until(serving, "Debug mode:", seconds=60)
        deadline = time.monotonic() + 30
        while True:  # the reloader's child may not listen yet
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/nowhere", timeout=5)
            except urllib.error.HTTPError:
                break
            except OSError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
    finally:
        os.killpg(serving.pid, signal.SIGINT)
        output, _ = serving.communicate(timeout=30)
    assert '"GET /nowhere HTTP/1.1" 404' in output  # Werkzeug colours it yellow
    assert "WARNING: This is a development server." in output  # and this red
    assert "\x1b[" not in output


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


def serve_in(project: Path, *args: str, **environ: str) -> subprocess.Popen:
    """``kiln ARGS`` (serve) started in ``project``, its package importable, in its own process
    group, with stdout and stderr merged into one text pipe."""
    return start_kiln(
        *args,
        cwd=project,
        env={"PYTHONPATH": str(project / "src"), **environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# A service that writes its settings file, says so and runs until kiln stops it.
STUB_SERVICE = """
import os, pathlib, signal, sys
folder = pathlib.Path(".kiln/stub")
folder.mkdir(parents=True, exist_ok=True)
(folder / "pid").write_text(str(os.getpid()))
(folder / "environ").write_text("GREETING=hello from the stub\\n")
print("stub ready", flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.pause()
"""


@pytest.fixture
def service_mini(tmp_path: Path) -> Iterator[Path]:
    """A mini declaring a service in ``[tool.kiln.services.stub]``; its app prints GREETING."""
    import json
    import shutil

    root = tmp_path / "mini"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns("__pycache__"))
    with (root / "pyproject.toml").open("a") as pyproject:
        pyproject.write(
            "\n[tool.kiln.services.stub]\n"
            f"command = {json.dumps(['python', '-c', STUB_SERVICE])}\n"
            'environ = ".kiln/stub/environ"\n'
        )
    with (root / "src/mini/__init__.py").open("a") as package:
        package.write('\nimport os\n\nprint("greeting:", os.environ.get("GREETING"), flush=True)\n')
    yield root
    EmbeddedServer(find_project(root)).destroy()


def test_serve_starts_the_projects_services_and_stops_them_with_the_server(
    service_mini: Path,
) -> None:
    serving = serve_in(service_mini, "serve", "--port", str(free_port()))
    try:
        lines = _lines_until(serving, "greeting:", seconds=60)
    finally:
        os.killpg(serving.pid, signal.SIGINT)
        serving.communicate(timeout=30)
    output = "".join(lines)
    assert "stub | stub ready" in output
    assert "kiln: stub started beside the server, its lines marked stub |" in output
    assert lines[-1].strip() == "greeting: hello from the stub"  # its settings reach the app
    pid = int((service_mini / ".kiln/stub/pid").read_text())
    assert wait_until_gone([pid], seconds=10) == []


def test_serve_names_a_program_a_service_needs_and_how_to_install_it(
    service_mini: Path,
) -> None:
    with (service_mini / "pyproject.toml").open("a") as pyproject:
        pyproject.write('programs = ["kiln-no-such-program"]\ninstall = "apt-get install it"\n')

    result = kiln("serve", "--port", str(free_port()), cwd=service_mini)

    assert result.returncode == 1
    assert "the project's stub service needs kiln-no-such-program, which is not on PATH" in (
        result.stderr
    )
    assert "[tool.kiln.services.stub] programs" in result.stderr
    assert "apt-get install it" in result.stderr
    assert "Traceback" not in result.stderr
