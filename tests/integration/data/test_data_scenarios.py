"""``kiln scenario`` and ``kiln serve --scenario`` through the real CLI, on a real server."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Project

BUSY = "mini_development_scenario_busy"


def test_list_names_each_scenario_with_its_docstring(project: Project) -> None:
    result = project.kiln("scenario", "list")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "broken  Fails halfway.\nbusy    Three notes, for a busy day.\n"


def test_up_then_down_leaves_nothing_behind(project: Project) -> None:
    project.kiln("db", "up")
    before = project.databases()

    up = project.kiln("scenario", "up", "busy")

    assert up.returncode == 0, up.stderr
    rows = dict(line.split(None, 1) for line in up.stdout.splitlines())
    assert rows["database"] == BUSY
    assert rows["url"] == project.server.url(BUSY)
    assert rows["serve"] == "kiln serve --scenario busy"
    assert rows["down"] == "kiln scenario down busy"
    assert f"loaded scenario busy into {BUSY}" in up.stderr
    assert project.notes(BUSY) == ["one", "two", "three"]
    psql = subprocess.run(
        [*shlex.split(rows["psql"]), "-Atc", "SELECT count(*) FROM note"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert psql.stdout == "3\n"

    down = project.kiln("scenario", "down", "busy")

    assert (down.returncode, down.stdout) == (0, f"dropped {BUSY}\n")
    assert project.databases() == before
    again = project.kiln("scenario", "down", "busy")
    assert (again.returncode, again.stdout) == (0, f"{BUSY} does not exist: nothing to drop\n")


def test_up_starts_from_nothing_every_time(project: Project) -> None:
    project.kiln("scenario", "up", "busy")
    with project.server.connect(BUSY) as connection:
        connection.execute("INSERT INTO note (text) VALUES ('added by hand')")

    again = project.kiln("scenario", "up", "busy")

    assert again.returncode == 0, again.stderr
    assert f"dropped {BUSY}" in again.stderr
    assert project.notes(BUSY) == ["one", "two", "three"]
    project.kiln("scenario", "down", "busy")


def test_a_scenario_that_fails_leaves_no_database(project: Project) -> None:
    result = project.kiln("scenario", "up", "broken")

    assert result.returncode == 1
    assert "loading scenario broken into mini_development_scenario_broken failed:" in result.stderr
    assert "RuntimeError: this scenario is wrong" in result.stderr
    assert "mini_development_scenario_broken" not in project.databases()


def test_an_unknown_scenario_lists_the_others(project: Project) -> None:
    result = project.kiln("scenario", "up", "quiet")

    assert result.returncode == 2
    assert "no scenario named 'quiet' (available: broken, busy)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "env", "where"),
    [
        (
            ["scenario", "up", "busy", "--env", "production"],
            {},
            "kiln scenario up --env production",
        ),
        (["scenario", "down", "busy"], {"KILN_ENV": "production"}, "(KILN_ENV=production)"),
        (["serve", "--scenario", "busy"], {"KILN_ENV": "production"}, "(KILN_ENV=production)"),
    ],
)
def test_scenarios_are_refused_in_production(
    project: Project, args: list[str], env: dict[str, str], where: str
) -> None:
    result = project.kiln(*args, env=env)

    assert result.returncode == 2
    assert where in result.stderr
    assert "refused in production: scenarios are development data" in result.stderr


def test_serve_refuses_a_scenario_with_prod(project: Project) -> None:
    result = project.kiln("serve", "--prod", "--scenario", "busy")

    assert result.returncode == 2
    assert "--prod runs the production settings, and scenarios are development data" in (
        result.stderr
    )


def test_serve_runs_the_app_on_a_freshly_loaded_scenario(project: Project) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = project.start(
        *("serve", "--port", str(port), "--scenario", "busy"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        notes = _get_json(f"http://127.0.0.1:{port}/notes", server)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert notes == ["one", "two", "three"], output
    assert f"loaded scenario busy into {BUSY}" in output
    project.kiln("scenario", "down", "busy")


def _get_json(url: str, server: subprocess.Popen, timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"kiln serve exited early:\n{server.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout} s")
