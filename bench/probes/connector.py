"""Run in a generated connector's own Python: its throughput and memory against COPY's.

Usage: connector.py PROJECT_ROOT DATABASE_URL ENTITIES BIG_FEED. Starts the connector under
gunicorn (one worker, production settings) on the project's database, then measures:

- push: ENTITIES entities through ``POST /receiver`` in Sesam-style batches, one connection;
  floor: ``COPY entities FROM STDIN`` of the same rows.
- pull: the whole feed through ``GET /entities``, streamed and parsed; floor:
  ``COPY (SELECT body::text ...) TO STDOUT`` of the same rows.
- the worker's peak memory (``VmHWM``) while serving a BIG_FEED-entity feed.

Prints one JSON object.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import ijson
import psycopg

T = TypeVar("T")
PUSH_BATCH = 1000
PAYLOAD = "x" * 200  # with the id and the type, about 260 bytes of JSON per entity


def main() -> None:
    root, url, count, big = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    entities = [{"_id": f"e{n}", "type": "bench", "pad": PAYLOAD} for n in range(count)]
    with psycopg.connect(url, autocommit=True) as connection:
        port = _free_port()
        server = _gunicorn(root, url, port)
        try:
            worker = _wait_for_worker(server, port)
            connection.execute("TRUNCATE entities, receiver_state")
            push, _ = _timed(lambda: _push(port, entities))
            pull, _ = _timed(lambda: _pull(port, count))
            copy_out, _ = _timed(lambda: _copy_out(connection, count))
            connection.execute("TRUNCATE entities")
            copy_in, _ = _timed(lambda: _copy_in(connection, entities))
            connection.execute("TRUNCATE entities")
            connection.execute(
                "INSERT INTO entities (id, body, deleted) SELECT 'e' || n, "
                "jsonb_build_object('_id', 'e' || n, 'type', 'bench', 'pad', %s::text), false "
                "FROM generate_series(1, %s) AS n",
                (PAYLOAD, big),
            )
            before = _peak(worker)
            big_pull, big_bytes = _timed(lambda: _pull(port, big))
            after = _peak(worker)
            connection.execute("TRUNCATE entities")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(
        json.dumps(
            {
                "entities": count,
                "push": push,
                "copy_in": copy_in,
                "pull": pull,
                "copy_out": copy_out,
                "big": big,
                "big_pull": big_pull,
                "big_bytes": big_bytes,
                "peak_before": before,
                "peak_after": after,
            }
        )
    )


def _gunicorn(root: Path, url: str, port: int) -> subprocess.Popen[bytes]:
    environ = {
        **os.environ,
        "DATABASE_URL": url,
        "KILN_ENV": "production",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    return subprocess.Popen(
        [str(gunicorn), "--timeout", "600", "wsgi:app"],
        cwd=root,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for_worker(server: subprocess.Popen[bytes], port: int) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _ = _request(port, "GET", "/health")
            if status == 200:
                children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
                return int(children.split()[0])
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /health within 120 s")


def _push(port: int, entities: list[dict[str, str]]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    for start in range(0, len(entities), PUSH_BATCH):
        body = json.dumps(entities[start : start + PUSH_BATCH])
        connection.request("POST", "/receiver", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"POST /receiver answered {response.status}")
    connection.close()


def _pull(port: int, expected: int) -> int:
    """The whole feed, streamed and parsed; how many bytes it was."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", "/entities")
    response = connection.getresponse()
    counted = _Counting(response)
    found = sum(1 for _ in ijson.items(counted, "item"))
    connection.close()
    if found != expected:
        raise SystemExit(f"GET /entities gave {found} entities, not {expected}")
    return counted.size


def _copy_in(connection: psycopg.Connection, entities: list[dict[str, str]]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy("COPY entities (id, body, deleted) FROM STDIN") as copy,
    ):
        for entity in entities:
            copy.write_row((entity["_id"], json.dumps(entity), False))


def _copy_out(connection: psycopg.Connection, expected: int) -> None:
    found = 0
    with (
        connection.cursor() as cursor,
        cursor.copy("COPY (SELECT body::text FROM entities ORDER BY xid, seq) TO STDOUT") as copy,
    ):
        for _row in copy.rows():
            found += 1
    if found != expected:
        raise SystemExit(f"COPY gave {found} rows, not {expected}")


def _timed(work: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _peak(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise SystemExit("no VmHWM in /proc")


def _request(port: int, method: str, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request(method, path)
    response = connection.getresponse()
    return response.status, response.read()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Counting:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.response, self.size = response, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.response.read(size) if size else b""
        self.size += len(chunk)
        return chunk


if __name__ == "__main__":
    main()
