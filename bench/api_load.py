"""The generated api service under load: requests per second and p99 latency, next to its database.

    .venv/bin/python bench/api_load.py [--duration 10] [--connections 8] [--workers 2]

Generates ``shop`` with ``kiln new``, runs it as production does (``kiln serve --prod``: gunicorn,
the production config, JSON access logs, argon2 at full cost) on kiln's embedded PostgreSQL, and
loads two endpoints from ``wrk``, a second process on loopback:

- ``GET /users/<id>``: a public read, one primary-key SELECT;
- ``POST /todos``: an authenticated write: the token's user is loaded, then an INSERT.

The ceiling is the database alone: psycopg in a loop on the statement each endpoint runs (the same
SELECT; the same INSERT, committed), in as many processes as gunicorn has workers, over the same
Unix socket. What the service reaches of it is what Flask, marshmallow, JWT, SQLAlchemy and
gunicorn cost per request. Prints a Markdown table and the commands; everything it started is
stopped and its files removed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiln.postgres import EmbeddedServer
from kiln.project import find_project

PROJECT = "shop"
# Settings of the shell that would change what runs; bytecode is cached, as on a user's machine.
_DROPPED = {"DATABASE_URL", "KILN_ENV", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE", "PORT"}
READ_USER = "SELECT id, username, email, active, created_date FROM users WHERE id = %s"
INSERT_TODO = (
    "INSERT INTO todos (title, done, owner_id) VALUES (%s, false, %s) RETURNING id, created_date"
)
TODO = {"title": "Benchmark the API"}
_WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p99_ms: float


def main() -> int:
    options = _options()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("error: wrk is not installed; on Debian: apt-get install wrk", file=sys.stderr)
        return 2
    workspace = Path(tempfile.mkdtemp(prefix="kiln-api-load-", dir="/var/tmp"))
    workspace.chmod(0o755)  # as root, PostgreSQL's own user must be able to pass through
    root = workspace / PROJECT
    try:
        _say(f"kiln new {PROJECT} in {workspace}")
        # No .venv: the service runs in kiln's own venv with the project on PYTHONPATH.
        new = ("new", PROJECT, "--directory", str(root), "--no-input", "--no-venv")
        _kiln(root, *new, cwd=workspace)
        environ = _environ(root, WEB_CONCURRENCY=str(options.workers))
        with _serving(root, environ) as base:
            rows = _measure(root, base, wrk, options)
        _print_report(rows, options)
    finally:
        _clean_up(root, workspace)
    return 0


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn's")
    return parser.parse_args()


def _measure(
    root: Path, base: str, wrk: str, options: argparse.Namespace
) -> list[tuple[str, Result, Result]]:
    account = {"username": "ada", "email": "ada@example.com", "password": secrets.token_hex(8)}
    user = _post(f"{base}/auth/register", account)
    credentials = {"email": account["email"], "password": account["password"]}
    token = _post(f"{base}/auth/login", credentials)["access_token"]
    database = EmbeddedServer(find_project(root)).url(f"{PROJECT}_production")

    _say(f"GET /users/{user['id']} with wrk, then its SELECT with psycopg")
    read = _wrk(wrk, f"{base}/users/{user['id']}", options)
    read_ceiling = _ceiling(database, READ_USER, (user["id"],), options)
    _say("POST /todos with wrk, then its INSERT with psycopg")
    script = root / "post_todo.lua"
    script.write_text(
        f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(TODO))}\n'
        f'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    )
    write = _wrk(wrk, f"{base}/todos", options, "--script", str(script))
    write_ceiling = _ceiling(database, INSERT_TODO, (TODO["title"], user["id"]), options)
    return [
        ("GET /users/<id>", read, read_ceiling),
        ("POST /todos", write, write_ceiling),
    ]


def _wrk(wrk: str, url: str, options: argparse.Namespace, *extra: str) -> Result:
    command = [
        wrk,
        "--threads",
        "1",
        "--connections",
        str(options.connections),
        "--duration",
        f"{options.duration}s",
        "--latency",
        *extra,
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = _WRK_ERRORS.search(output)
    if errors:
        raise SystemExit(f"error: {errors[1]} responses were not 2xx:\n{output}")
    rate, p99 = _WRK_RATE.search(output), _WRK_P99.search(output)
    if rate is None or p99 is None:
        raise SystemExit(f"error: could not read wrk's report:\n{output}")
    return Result(float(rate[1]), float(p99[1]) * _UNIT[p99[2]])


def _ceiling(
    database: str, statement: str, parameters: tuple[object, ...], options: argparse.Namespace
) -> Result:
    """The statement alone, in a loop, in one process per gunicorn worker."""
    jobs = [(database, statement, parameters, options.duration)] * options.workers
    with multiprocessing.Pool(options.workers) as pool:
        latencies = [ms for chunk in pool.starmap(_query_loop, jobs) for ms in chunk]
    p99 = statistics.quantiles(latencies, n=100)[98]
    return Result(len(latencies) / options.duration, p99)


def _query_loop(
    database: str, statement: str, parameters: tuple[object, ...], seconds: float
) -> list[float]:
    """Run ``statement`` until ``seconds`` are up, each committed; each one's latency in ms."""
    import psycopg

    latencies = []
    with psycopg.connect(database, autocommit=True) as connection:
        deadline = time.perf_counter() + seconds
        while (started := time.perf_counter()) < deadline:
            connection.execute(statement, parameters).fetchall()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


@contextmanager
def _serving(root: Path, environ: Mapping[str, str]) -> Iterator[str]:
    """``kiln serve --prod`` on a free port, until the block ends; its JSON logs are dropped."""
    port = _free_port()
    command = [sys.executable, "-m", "kiln", "serve", "--prod", "--port", str(port)]
    _say(f"{' '.join(command[1:])} (gunicorn, {environ['WEB_CONCURRENCY']} workers)")
    errors = root / "serve.stderr"
    with errors.open("w") as stderr:
        server = subprocess.Popen(
            command, cwd=root, env=environ, stdout=subprocess.DEVNULL, stderr=stderr
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/health", server, errors)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _wait_for(url: str, server: subprocess.Popen[bytes], errors: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"error: kiln serve --prod exited:\n{errors.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"error: nothing answered at {url} within 120 s")


def _print_report(rows: list[tuple[str, Result, Result]], options: argparse.Namespace) -> None:
    print(
        f"\n{options.workers} gunicorn workers, {os.cpu_count()} CPUs, wrk with "
        f"{options.connections} connections for {options.duration} s per row; the database "
        f"alone: {options.workers} psycopg loops.\n"
    )
    print("| endpoint | requests/s | p99 | database alone: statements/s | p99 | share |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, service, ceiling in rows:
        share = service.requests_per_second / ceiling.requests_per_second
        print(
            f"| `{label}` | {service.requests_per_second:,.0f} | {service.p99_ms:.1f} ms | "
            f"{ceiling.requests_per_second:,.0f} | {ceiling.p99_ms:.2f} ms | {share:.0%} |"
        )
    print(f"\ncommand: .venv/bin/python bench/api_load.py {' '.join(sys.argv[1:])}".rstrip())
    print(
        f"load: wrk --threads 1 --connections {options.connections} --duration "
        f"{options.duration}s --latency [--script post_todo.lua] URL"
    )


def _clean_up(root: Path, workspace: Path) -> None:
    """Stop and delete the project's PostgreSQL, then the workspace."""
    if (root / "pyproject.toml").is_file():
        _kiln(root, "db", "down", env=_environ(root), check=False)
        EmbeddedServer(find_project(root)).destroy()
    shutil.rmtree(workspace, ignore_errors=True)


def _environ(root: Path, **extra: str) -> dict[str, str]:
    """A user's shell in the project: its package importable, bytecode cached in the workspace
    (not in this checkout), a strong ``SECRET_KEY`` as production requires."""
    clean = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    return {
        **clean,
        "SECRET_KEY": secrets.token_hex(32),
        "PYTHONPATH": str(root / "src"),
        "PYTHONPYCACHEPREFIX": str(root.parent / "pycache"),
        **extra,
    }


def _kiln(
    root: Path,
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiln", *args],
        cwd=cwd or root,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def _post(url: str, body: object) -> dict:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _say(message: str) -> None:
    print(f"api_load: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
