"""``kiln db …`` through the real CLI, as a user types it: output and exit codes."""

from __future__ import annotations

import os
import selectors
import subprocess
import time
from contextlib import suppress

import psycopg
import pytest
from kiln_cli import start_kiln

from kiln.masking import mask_url
from kiln.postgres import EmbeddedServer
from kiln.postgres.binaries import find_binaries
from kiln.postgres.databases import drop_database


def lines(text: str) -> dict[str, str]:
    """``status`` rows by label."""
    return dict(line.split(None, 1) for line in text.splitlines() if line.strip())


def test_a_session_from_up_to_down(servers, tmp_path, kiln):
    project = servers.project(tmp_path / "shop")
    here = project.root
    expected = EmbeddedServer(project).url("shop_development")

    url = kiln("db", "url", cwd=here)
    assert (url.returncode, url.stdout) == (0, expected + "\n")

    up = kiln("db", "up", cwd=here)
    assert (up.returncode, up.stdout) == (0, expected + "\n"), up.stderr
    assert up.stderr.startswith("kiln: Initialising PostgreSQL ")
    assert "PostgreSQL ready (" in up.stderr
    assert up.stderr.endswith("kiln: created database shop_development\n")  # the URL is usable

    again = kiln("db", "up", cwd=here)
    assert (again.returncode, again.stderr) == (0, "kiln: PostgreSQL is already running\n")

    status = kiln("db", "status", cwd=here)
    assert status.returncode == 0
    rows = lines(status.stdout)
    assert rows["mode"] == "embedded (kiln runs it)"
    assert rows["postgres"].startswith(EmbeddedServer(project).binaries.version)
    assert rows["running"].startswith("yes (pid ")
    assert rows["url"] == expected
    assert rows["databases"] == "postgres, shop_development"
    testing = kiln("db", "status", "--env", "testing", cwd=here)
    assert "shop_testing does not exist yet; kiln db up creates and migrates it" in testing.stderr

    created = kiln("db", "create", "--env", "testing", cwd=here)
    assert (created.returncode, created.stdout) == (0, "created shop_testing\n")
    exists = kiln("db", "create", cwd=here)
    assert (exists.returncode, exists.stdout) == (0, "shop_development already exists\n")

    shell = kiln("db", "shell", cwd=here, stdin="SELECT 'in ' || current_database();\n")
    assert shell.returncode == 0, shell.stderr
    assert "in shop_development" in shell.stdout

    logs = kiln("db", "logs", "-n", "200", cwd=here)
    assert logs.returncode == 0
    assert "database system is ready to accept connections" in logs.stdout

    assert kiln("db", "down", cwd=here).stdout == "PostgreSQL stopped\n"
    assert kiln("db", "down", cwd=here).stdout == "PostgreSQL was not running\n"
    assert lines(kiln("db", "status", cwd=here).stdout)["running"] == "no"


def test_db_url_follows_the_environment(servers, tmp_path, kiln):
    project = servers.project(tmp_path / "shop")
    server = EmbeddedServer(project)

    by_option = kiln("db", "url", "--env", "testing", cwd=project.root)
    by_variable = kiln("db", "url", cwd=project.root, env={"KILN_ENV": "testing"})

    assert by_option.stdout == by_variable.stdout == server.url("shop_testing") + "\n"
    assert not server.layout.data_dir.exists()  # asking for the URL starts nothing


def test_with_database_url_kiln_starts_nothing(servers, tmp_path, kiln, shared):
    project = servers.project(tmp_path / "shop")
    database_url = shared.url("shop_elsewhere")
    env = {"DATABASE_URL": database_url}

    status = kiln("db", "status", cwd=project.root, env=env)
    assert status.returncode == 0, status.stderr
    rows = lines(status.stdout)
    assert rows["mode"] == "external (DATABASE_URL)"
    assert rows["running"].startswith(f"yes (PostgreSQL {shared.binaries.version}")

    missing = kiln("db", "up", cwd=project.root, env=env)
    assert missing.returncode == 1
    assert "the database shop_elsewhere does not exist on DATABASE_URL's server" in missing.stderr
    assert "fix: create it: kiln db create" in missing.stderr
    try:
        assert kiln("db", "create", cwd=project.root, env=env).stdout == "created shop_elsewhere\n"
        up = kiln("db", "up", cwd=project.root, env=env)
        assert (up.returncode, up.stdout) == (0, mask_url(database_url) + "\n"), up.stderr
        again = kiln("db", "create", cwd=project.root, env=env)
        assert again.stdout == "shop_elsewhere already exists\n"
    finally:
        drop_database(shared, "shop_elsewhere")
    assert kiln("db", "url", cwd=project.root, env=env).stdout == database_url + "\n"
    down = kiln("db", "down", cwd=project.root, env=env)
    assert (down.returncode, down.stdout) == (0, _NOTHING_TO_STOP)
    logs = kiln("db", "logs", cwd=project.root, env=env)
    assert logs.returncode == 2
    assert "external server" in logs.stderr
    assert not (project.root / ".kiln" / "server").exists()
    assert shared.status().running


_NOTHING_TO_STOP = (
    "DATABASE_URL names an external server; kiln started nothing, so nothing to stop\n"
)


def test_status_shows_the_running_server_and_a_forced_source_that_conflicts_is_named(
    servers, tmp_path, kiln
):
    system = servers.new(tmp_path / "shop", environ={**os.environ, "KILN_PG_SOURCE": "system"})
    wheel = find_binaries({**os.environ, "KILN_PG_SOURCE": "wheel"})
    if wheel.major == system.binaries.major:
        pytest.skip(f"the wheel and the machine both have PostgreSQL {wheel.major}: no conflict")
    system.up()
    forced = {"KILN_PG_SOURCE": "wheel"}
    running = system.status().binaries

    status = kiln("db", "status", cwd=system.project.root, env=forced)
    assert lines(status.stdout)["postgres"] == f"{running.version} (system: {running.bindir})"
    system.down()
    up = kiln("db", "up", cwd=system.project.root, env=forced)

    assert up.returncode == 1
    assert up.stderr.startswith(
        f"error: environment variable KILN_PG_SOURCE=wheel: allows only PostgreSQL "
        f"{wheel.version} (wheel, {wheel.bindir}), but the data was created by PostgreSQL "
        f"{system.binaries.major}\n"
    )
    assert f"  fix: unset KILN_PG_SOURCE: kiln then uses PostgreSQL {running.version}" in up.stderr
    assert "or, to start over with empty databases: kiln db destroy" in up.stderr


def test_db_logs_follow_prints_new_lines(shared):
    seen = ""
    with (
        start_kiln(
            *("db", "logs", "-n", "0", "--follow"),
            cwd=shared.project.root,
            stdout=subprocess.PIPE,
            text=True,
        ) as follow,
        selectors.DefaultSelector() as selector,
    ):
        selector.register(follow.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 30
        try:
            while not seen:  # each failed connection logs a FATAL line; wait for one to show
                if follow.poll() is not None:
                    pytest.fail(f"kiln db logs --follow exited ({follow.returncode}) early")
                if time.monotonic() > deadline:
                    pytest.fail("kiln db logs --follow printed no new line within 30 s")
                with suppress(psycopg.OperationalError):
                    psycopg.connect(shared.url("shared_no_such_database")).close()
                if selector.select(timeout=0.2):
                    seen = follow.stdout.readline()
        finally:
            follow.terminate()
    assert 'database "shared_no_such_database" does not exist' in seen


def test_outside_a_project_db_commands_say_where_to_go(tmp_path, kiln):
    done = kiln("db", "status", cwd=tmp_path)

    assert done.returncode == 2
    assert "not inside a kiln project" in done.stderr
    assert "Traceback" not in done.stderr


def test_destroy_asks_for_yes_then_deletes_the_cluster(servers, tmp_path, kiln):
    project = servers.project(tmp_path / "shop")
    here = project.root
    assert kiln("db", "up", cwd=here).returncode == 0
    data = EmbeddedServer(project).layout.data_dir
    assert data.is_dir()

    unasked = kiln("db", "destroy", cwd=here)
    assert unasked.returncode == 2
    assert "fix: add --yes to confirm: kiln db destroy --yes" in unasked.stderr
    assert data.is_dir()

    done = kiln("db", "destroy", "--yes", cwd=here)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("destroyed the cluster in ")
    assert not data.exists()
    assert kiln("db", "destroy", "--yes", cwd=here).stdout == (
        "the project has no PostgreSQL cluster: nothing to destroy\n"
    )
