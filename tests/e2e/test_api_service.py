"""A generated api project, installed as a user installs it: its own suite, then the served API."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from generated_projects import Installed, install_progress, kiln_serve

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("installed")]


def test_kiln_new_installed_it_with_uv_showing_each_step(installed_project: Installed) -> None:
    result = installed_project.result

    assert result.stderr.splitlines() == install_progress(installed_project, "uv")
    lines = result.stdout.splitlines()
    assert lines[lines.index("Next:") + 1 :] == [
        f"  cd {installed_project.root}",
        "  kiln test",
        "  kiln serve",
    ]
    assert (installed_project.bin / "pip").is_file()  # a virtualenv like any other


def test_its_own_suite_is_green_under_kiln_test(installed_project: Installed) -> None:
    result = installed_project.kiln("test", "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "TOTAL" in result.stdout  # the coverage report, with missing lines
    assert "Traceback" not in result.stderr


@pytest.fixture
def served(installed_project: Installed) -> Iterator[str]:
    """``kiln serve`` on a free port; stopped with Ctrl-C, then the database too."""
    with kiln_serve(installed_project, "/ping") as serving:
        yield serving.base
    output = serving.output
    assert serving.server.returncode == 0, output
    assert "Traceback" not in output
    assert '"GET /ping HTTP/1.1" 200' in output
    assert "\x1b[" not in output  # Werkzeug's colours stay off a pipe
    stopped = installed_project.kiln("db", "down")
    assert stopped.returncode == 0, stopped.stderr
    data_dir = (installed_project.root / ".kiln").resolve()
    leftovers = subprocess.run(["pgrep", "-f", "postgres"], capture_output=True, text=True)
    for pid in leftovers.stdout.split():
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        assert str(data_dir) not in cmdline


@pytest.fixture
def admin_settings(installed_project: Installed) -> Iterator[tuple[str, str]]:
    """The first admin's email and password, in the development config (not .env, which the
    project's own test run would read too)."""
    config = installed_project.root / "config" / "development.toml"
    config.parent.mkdir(exist_ok=True)
    email, password = "root@example.com", "a long admin password"
    config.write_text(f'ADMIN_EMAIL = "{email}"\nADMIN_PASSWORD = "{password}"\n')
    yield email, password
    config.unlink()


def test_kiln_serve_speaks_the_users_api_contract_with_auth_and_todos(
    served: str, installed_project: Installed, admin_settings: tuple[str, str]
) -> None:
    assert _call("GET", f"{served}/ping") == (200, {"status": "success", "message": "pong!"})
    created_admin = installed_project.kiln("flask", "create-admin")
    assert created_admin.returncode == 0, created_admin.stderr
    assert "Created the admin root@example.com" in created_admin.stdout
    admin = _login(served, *admin_settings)

    status, body = _call("POST", f"{served}/users", {"username": "ada", "email": "ada@x.org"})
    assert (status, body["title"]) == (401, "Unauthorized")
    status, created = _call(
        "POST", f"{served}/users", {"username": "ada", "email": "ada@example.com"}, admin
    )
    assert status == 201
    assert created["username"] == "ada"
    assert created["active"] is True
    user = f"{served}/users/{created['id']}"

    status, listed = _call("GET", f"{served}/users")
    assert status == 200
    assert not any("email" in u for u in listed)  # emails only to their owners and admins
    assert any(
        u["email"] == "ada@example.com" for u in _call("GET", f"{served}/users", None, admin)[1]
    )
    assert _call("GET", user, headers=admin) == (200, created)

    status, body = _call(
        "POST", f"{served}/users", {"username": "x", "email": "ada@example.com"}, admin
    )
    assert status == 409
    assert body["detail"] == "email already exists"
    status, body = _call("POST", f"{served}/auth/register", {"username": "", "email": "nope"})
    assert status == 400
    assert set(body["errors"]) == {"username", "email", "password"}

    grace = {"username": "grace", "email": "grace@example.com", "password": "grace's password"}
    status, registered = _call("POST", f"{served}/auth/register", grace)
    assert status == 201
    as_grace = _login(served, grace["email"], grace["password"])
    assert _call("PUT", user, {"username": "eve"}, as_grace)[0] == 403
    grace_url = f"{served}/users/{registered['id']}"
    status, updated = _call("PUT", grace_url, {"username": "g"}, as_grace)
    assert (status, updated["username"]) == (200, "g")

    status, todo = _call("POST", f"{served}/todos", {"title": "Teach the compiler"}, as_grace)
    assert (status, todo["done"]) == (201, False)
    assert _call("GET", f"{served}/todos?done=false", headers=as_grace) == (200, [todo])
    assert _call("GET", f"{served}/todos", headers=admin) == (200, [])  # grace's only
    assert _call("GET", f"{served}/todos/{todo['id']}", headers=admin)[0] == 404

    status, updated = _call("PUT", user, {"username": "ada2"}, admin)
    assert (status, updated["username"]) == (200, "ada2")
    assert _call("DELETE", user, headers=admin)[0] == 204
    status, body = _call("GET", user)
    assert status == 404
    assert body["detail"] == f"User {created['id']} does not exist"

    assert _call("GET", f"{served}/nowhere")[0] == 404
    assert _call("PATCH", f"{served}/ping")[0] == 405
    assert _call("POST", f"{served}/auth/register", b"{not json")[0] == 400

    assert _call("PUT", grace_url, {"password": "a brand new passphrase"}, as_grace)[0] == 200
    assert _call("GET", f"{served}/auth/me", headers=as_grace)[0] == 401  # the change revoked it


def test_kiln_serve_runs_the_worker_that_sends_the_welcome_message(
    served: str, installed_project: Installed
) -> None:
    from kiln.postgres import EmbeddedServer
    from kiln.project import find_project

    lin = {"username": "lin", "email": "lin@example.com", "password": "lin's long password"}
    assert _call("POST", f"{served}/auth/register", lin)[0] == 201

    server = EmbeddedServer(find_project(installed_project.root))
    deadline = time.monotonic() + 30
    while True:  # the worker is another process: look until it has done the job
        with server.connect("shop_development") as connection:
            sent = connection.execute(
                "SELECT message.kind FROM messages message JOIN users ON users.id = user_id "
                "WHERE users.email = 'lin@example.com'"
            ).fetchall()
        if sent or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert sent == [("welcome",)]
    listed = installed_project.kiln("jobs", "list", "--task", "send_welcome")
    assert listed.returncode == 0, listed.stderr
    assert "succeeded" in listed.stdout
    assert '{"email": "lin@example.com"}' in listed.stdout


def test_kiln_serve_documents_the_api_and_mounts_the_admin_view(served: str) -> None:
    status, document = _call("GET", f"{served}/openapi.json")
    assert status == 200
    assert "/todos/{todo_id}" in document["paths"]
    with urllib.request.urlopen(f"{served}/docs", timeout=10) as docs:
        assert b"/docs/assets/swagger-ui-bundle.js" in docs.read()
    with urllib.request.urlopen(f"{served}/admin/", timeout=10) as admin:
        assert admin.status == 200  # development, with the dev extra installed


def _login(base: str, email: str, password: str) -> dict[str, str]:
    status, tokens = _call("POST", f"{base}/auth/login", {"email": email, "password": password})
    assert status == 200, tokens
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _call(
    method: str, url: str, body: object = None, headers: dict[str, str] | None = None
) -> tuple[int, object]:
    """One real HTTP request; every answer, error or not, must be JSON (or empty for 204)."""
    data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers=sent | (headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw) if raw else None
