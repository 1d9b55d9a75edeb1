"""Production through the real CLI in a generated project: ``kiln serve --prod`` runs gunicorn on
the embedded PostgreSQL, and ``kiln build``/``kiln compose`` explain what Docker lacks here."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from kiln_cli import kiln_command, run_kiln, start_kiln, user_environ
from processes import alive, children, command_line, wait_until_gone

from kiln.containers import probe_engine
from kiln.postgres import EmbeddedServer
from kiln.project import find_project

if TYPE_CHECKING:  # at run time "conftest" may be another folder's (pytest imports them all so)
    from generated_projects import Generated

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kiln-new")]


@pytest.fixture(scope="module")
def project(
    generated_project: Generated, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """A copy of the generated project; its PostgreSQL is destroyed afterwards, whatever happens."""
    root = tmp_path_factory.mktemp("production") / "shop"
    shutil.copytree(generated_project.root, root, ignore=shutil.ignore_patterns(".git"))
    yield root
    EmbeddedServer(find_project(root)).destroy()


def importable(root: Path, **extra: str) -> dict[str, str]:
    """The project's package importable (as after ``pip install -e``), and ``extra``."""
    return {"PYTHONPATH": str(root / "src"), **extra}


def kiln(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return run_kiln(*args, cwd=root, env=importable(root, **extra))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url: str, body: dict | None = None) -> tuple[int, object]:
    """Status and JSON body; a server that does not answer in 10 s fails the test."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "kiln serve --prod exited early"
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"nothing answered at {url} within {timeout} s")


def gunicorn_workers(kiln_pid: int, expected: int, timeout: float = 15) -> tuple[int, list[int]]:
    """gunicorn's master (one of kiln's children, beside the jobs worker) and its workers, once
    ``expected`` have booted."""
    deadline = time.monotonic() + timeout
    masters: list[int] = []
    workers: list[int] = []
    while time.monotonic() < deadline:
        masters = [pid for pid in children(kiln_pid) if "gunicorn" in command_line(pid)]
        workers = children(masters[0]) if len(masters) == 1 else []
        if len(workers) >= expected:
            return masters[0], workers
        time.sleep(0.1)
    pytest.fail(
        f"within {timeout} s kiln (pid {kiln_pid}) had gunicorn masters {masters} and "
        f"{len(workers)} of {expected} workers"
    )


def postgres_processes(root: Path) -> list[int]:
    """Processes working in the project's data folder: PostgreSQL's postmaster and backends."""
    data = str(EmbeddedServer(find_project(root)).layout.data_dir)
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if str(cwd.readlink()).startswith(data):
                found.append(int(cwd.parent.name))
        except OSError:
            continue
    return found


def test_serve_prod_runs_gunicorn_with_two_workers_on_the_embedded_postgres(
    project: Path, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = start_kiln(
            *("serve", "--prod", "--port", str(port), "--no-worker"),  # gunicorn alone
            cwd=project,
            env=importable(project, SECRET_KEY=secrets.token_hex(32), WEB_CONCURRENCY="2"),
            stdout=stdout,
            stderr=stderr,
        )
    try:
        wait_until_serving(f"{base}/ping", server)
        assert call(f"{base}/health") == (200, {"status": "ok", "database": "ok"})

        ada = {"username": "ada", "email": "ada@example.com", "password": "analytical engine"}
        status, registered = call(f"{base}/auth/register", ada)
        assert status == 201
        public = {name: value for name, value in registered.items() if name != "email"}
        assert call(f"{base}/users") == (200, [public])
        assert call(f"{base}/admin/")[0] == 404  # Flask-Admin is for development only

        master, workers = gunicorn_workers(server.pid, expected=2)
        assert len(workers) == 2

        assert kiln(project, "db", "down").stdout == "PostgreSQL stopped\n"
        started = time.monotonic()
        assert call(f"{base}/health") == (503, {"status": "unavailable", "database": "unreachable"})
        assert time.monotonic() - started < 3

        assert kiln(project, "db", "up").returncode == 0
        assert call(f"{base}/health") == (200, {"status": "ok", "database": "ok"})
    finally:
        server.send_signal(signal.SIGTERM)  # as docker stop does; kiln passes it to gunicorn
        server.wait(timeout=30)

    assert server.returncode == 0, err.read_text()
    assert not any(alive(pid) for pid in (master, *workers))
    assert kiln(project, "db", "down").stdout == "PostgreSQL stopped\n"
    assert postgres_processes(project) == []

    progress = err.read_text()
    assert "kiln: created database shop_production" in progress
    assert "kiln: migrated shop_production: base -> d51a5c6439dc" in progress
    assert "kiln: migrated shop_production: d51a5c6439dc -> 8c2091ba0269" in progress
    logs = [json.loads(line) for line in out.read_text().splitlines()]  # JSON lines, all of them
    booted = [e for e in logs if e["message"].startswith("Booting worker with pid")]
    assert sorted(int(e["message"].rsplit(" ", 1)[1]) for e in booted) == sorted(workers)
    requests = [e["message"] for e in logs if e["logger"] == "gunicorn.access"]
    assert any('"GET /users HTTP/1.1" 200' in line for line in requests)
    assert any('"GET /health HTTP/1.1" 503' in line for line in requests)


def test_a_killed_kiln_serve_prod_takes_gunicorn_and_the_worker_with_it(project: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environ = importable(project, SECRET_KEY=secrets.token_hex(32), WEB_CONCURRENCY="2")

    def serve_prod() -> subprocess.Popen:
        return start_kiln(
            *("serve", "--prod", "--port", str(port)),
            cwd=project,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group, so the cleanup below reaches every process
        )

    first = serve_prod()
    again: subprocess.Popen | None = None
    try:
        wait_until_serving(f"{base}/ping", first)
        master, workers = gunicorn_workers(first.pid, expected=2)
        jobs_worker = [pid for pid in children(first.pid) if pid != master]
        assert len(jobs_worker) == 1, list(map(command_line, children(first.pid)))

        first.kill()  # SIGKILL: kiln cannot pass anything on
        first.wait(timeout=10)
        left = wait_until_gone([master, *workers, *jobs_worker], seconds=30)
        assert left == [], f"still running after kiln was killed: {list(map(command_line, left))}"

        again = serve_prod()  # the port is free for the next one
        wait_until_serving(f"{base}/ping", again)
    finally:
        for server in (first, again):
            if server is not None:
                with suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
    kiln(project, "db", "down")


def test_serve_prod_runs_the_worker_as_a_process_of_its_own(project: Path, tmp_path: Path) -> None:
    port = free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = start_kiln(
            *("serve", "--prod", "--port", str(port)),
            cwd=project,
            env=importable(project, SECRET_KEY=secrets.token_hex(32), WEB_CONCURRENCY="1"),
            stdout=stdout,
            stderr=stderr,
        )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/ping", server)
        [gunicorn, worker] = sorted(children(server.pid))
        lin = {"username": "lin", "email": "lin@example.com", "password": "lin's long password"}
        assert call(f"http://127.0.0.1:{port}/auth/register", lin)[0] == 201
        deadline = time.monotonic() + 30
        while "ended with status: Success" not in out.read_text():
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)  # as docker stop does
        server.wait(timeout=60)

    assert server.returncode == 0, err.read_text()
    assert not alive(gunicorn)
    assert not alive(worker)
    assert "worker started beside the server" in err.read_text()
    lines = out.read_text().splitlines()
    worker_logs = [
        json.loads(line.removeprefix("worker | ")) for line in lines if line.startswith("worker | ")
    ]
    messages = [entry["message"] for entry in worker_logs]
    assert any(m.startswith("message 'Welcome!' to lin@example.com") for m in messages)
    assert messages[-1] == "Stopped worker on all queues"
    assert kiln(project, "db", "down").stdout == "PostgreSQL stopped\n"


def test_the_generated_production_tests_pass(project: Path) -> None:
    """The project's own tests of its guard (each unsafe setting), /health, HEALTHCHECK and logs."""
    result = kiln(
        project,
        "test",
        "-p",
        "no:cacheprovider",
        "tests/unit/test_config.py",
        "tests/unit/test_logs.py",
        "tests/functional/test_health.py",
        "tests/functional/test_healthcheck.py",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert " failed" not in result.stdout
    kiln(project, "db", "down")


@pytest.mark.parametrize(
    ("key", "message", "fix"),
    [
        (
            None,
            "error: SECRET_KEY: required in production but not set",
            "fix: to try it out: SECRET_KEY=$(python -c 'import secrets; "
            "print(secrets.token_hex(32))') kiln serve --prod",
        ),
        (
            "changeme",
            "SECRET_KEY is a well-known placeholder, so anyone could forge sessions",
            "fix: generate one with python -c",
        ),
    ],
)
def test_serve_prod_refuses_an_unsafe_secret_key(
    project: Path, key: str | None, message: str, fix: str
) -> None:
    result = kiln(project, "serve", "--prod", **({"SECRET_KEY": key} if key else {}))

    assert result.returncode == 2
    assert message in result.stderr
    assert fix in result.stderr
    assert "Traceback" not in result.stderr
    assert postgres_processes(project) == []


def test_serve_prod_takes_no_other_environment(project: Path) -> None:
    result = kiln(project, "serve", "--prod", "--env", "development")

    assert result.returncode == 2
    assert result.stderr.startswith("error: kiln serve --prod --env development: --prod runs")


def docker_problem() -> str:
    problem = probe_engine().problem
    if problem is None:
        pytest.skip("a Docker engine is reachable here, so kiln would really build")
    return f"error: {problem.render()}\n"


@pytest.mark.parametrize("args", [["build"], ["build", "--tag", "shop:try"], ["compose", "up"]])
def test_without_a_docker_engine_build_and_compose_say_so(project: Path, args: list[str]) -> None:
    expected = docker_problem()

    result = kiln(project, *args)

    assert result.returncode == 1
    assert result.stderr == expected


def test_compose_in_production_needs_no_database_url_the_stack_has_its_own(project: Path) -> None:
    expected = docker_problem()

    refused = kiln(project, "compose", "--env", "production", "up")
    passed = kiln(project, "compose", "--env", "production", "up", SECRET_KEY=secrets.token_hex(32))

    assert refused.returncode == 2
    assert refused.stderr.startswith("error: SECRET_KEY: required in production but not set")
    assert "DATABASE_URL" not in refused.stderr
    assert (passed.returncode, passed.stderr) == (1, expected)


def test_doctor_warns_about_docker_with_the_same_words(project: Path) -> None:
    problem = probe_engine().problem
    if problem is None:
        pytest.skip("a Docker engine is reachable here")

    result = kiln(project, "doctor")

    assert f"[warn] {problem.what}; only kiln build and kiln compose need it" in result.stdout
    assert f"       fix: {problem.fix}" in result.stdout


@pytest.mark.skipif(shutil.which("docker") is None, reason="needs the docker command")
def test_compose_config_needs_no_engine_but_the_compose_plugin(project: Path) -> None:
    plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    if plugin.returncode == 0:
        pytest.skip("the Compose plugin is installed here")

    result = kiln(project, "compose", "config")

    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: docker compose version: the Docker Compose plugin is not installed"
    )


def as_a_user_without_access(argv: list[str]) -> list[str]:
    """``argv`` run by a process the engine's socket refuses: root keeps access to any file
    unless its capabilities are dropped, which setpriv does; any other user is refused already."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv, which could drop root's file access")
    return [setpriv, "--bounding-set=-all", "--", *argv]


@pytest.mark.skipif(shutil.which("docker") is None, reason="needs the docker command")
@pytest.mark.parametrize("args", [["build"], ["compose", "up"]])
def test_a_docker_socket_that_needs_sudo_is_explained(
    project: Path, tmp_path: Path, args: list[str]
) -> None:
    """A real engine socket this user may not open, as /var/run/docker.sock is for a user who is
    not in the docker group."""
    sock = tmp_path / "docker.sock"
    with socket.socket(socket.AF_UNIX) as engine:
        engine.bind(str(sock))
        engine.listen()
        sock.chmod(0)
        result = subprocess.run(
            as_a_user_without_access(kiln_command(*args)),
            cwd=project,
            env=user_environ(importable(project, DOCKER_HOST=f"unix://{sock}")),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode == 1
    assert result.stderr.startswith("error: docker info: Docker needs sudo here"), result.stderr
    assert "sudo usermod -aG docker $USER" in result.stderr
