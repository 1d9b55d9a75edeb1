"""The app under gunicorn with gunicorn.conf.py and the production config, over raw HTTP: what
only a real server parses (chunked bodies, over-long request lines and headers) is answered as a
problem too."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
MAX_BODY = 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(app: Flask) -> Iterator[int]:
    """gunicorn serving wsgi:app on a free loopback port, one worker; its port."""
    port = free_port()
    environ = {
        "PATH": "/usr/bin:/bin",
        "KILN_ENV": "production",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": secrets.token_hex(32),
        "WEB_CONCURRENCY": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while exchange(port, b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")[0] != 200:
            assert server.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as is; the answer's status, headers and body (status 0: no answer)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(request)
            connection.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    except OSError:
        return 0, {}, b""
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


def post_chunked(port: int, chunks: bytes) -> tuple[int, dict[str, str], bytes]:
    head = (
        b"POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    return exchange(port, head + chunks)


def chunked(body: bytes, size: int = 65536) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


def problem(answer: tuple[int, dict[str, str], bytes], status: int) -> dict[str, object]:
    got, headers, body = answer
    assert got == status, body
    assert headers["content-type"] == "application/problem+json"
    assert headers["x-content-type-options"] == "nosniff"
    document = json.loads(body)
    assert document["status"] == status
    return document


def test_a_chunked_body_is_read_whole(gunicorn: int) -> None:
    answer = post_chunked(gunicorn, chunked(b'{"username": "ada"}', size=5))

    assert problem(answer, 400)["errors"] == {"email": "is required", "password": "is required"}


def test_broken_chunk_framing_is_a_400(gunicorn: int) -> None:
    answer = post_chunked(gunicorn, b"zz\r\n{}\r\n0\r\n\r\n")

    assert problem(answer, 400)["detail"].startswith("The request body could not be read")


def test_a_chunked_body_over_the_limit_is_a_413_not_cut_short(gunicorn: int) -> None:
    too_long = b"[" + b" " * MAX_BODY + b"]"

    problem(post_chunked(gunicorn, chunked(too_long)), 413)


def test_a_request_line_too_long_for_gunicorn_is_a_problem(gunicorn: int) -> None:
    answer = exchange(gunicorn, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")

    assert problem(answer, 414)["title"] == "URI Too Long"


def test_headers_too_large_for_gunicorn_are_a_problem(gunicorn: int) -> None:
    answer = exchange(
        gunicorn, b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"
    )

    assert problem(answer, 431)["title"] == "Request Header Fields Too Large"


def test_production_answers_carry_hsts(gunicorn: int) -> None:
    status, headers, _ = exchange(gunicorn, b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")

    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")
