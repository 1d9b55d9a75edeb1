"""DATABASE_URL: kiln only checks the server answers, and starts or stops nothing."""

from __future__ import annotations

import pytest

from kiln.config import load_config
from kiln.context import ProjectContext
from kiln.errors import KilnError, UsageError
from kiln.postgres import EmbeddedServer, ExternalServer, server_for
from kiln.postgres.databases import create_database, drop_database


def test_an_external_server_is_checked_not_started(shared):
    server = ExternalServer(shared.url("shared_external"))  # not created yet: still fine

    assert server.up() is False
    status = server.status()
    assert (status.mode, status.running) == ("external", True)
    assert status.version.startswith(shared.binaries.version)
    assert (status.pid, status.data_dir, status.binaries) == (None, None, None)
    assert "nothing to stop" in server.down()
    assert shared.status().running


def test_databases_on_an_external_server(shared):
    server = ExternalServer(shared.url("postgres").replace("postgresql:", "postgresql+psycopg:"))

    assert create_database(server, "shared_external_db") is True
    try:
        assert create_database(server, "shared_external_db") is False
    finally:
        assert drop_database(server, "shared_external_db") is True


def test_an_unreachable_server_is_named_and_its_password_hidden():
    server = ExternalServer("postgresql://shop:hunter2@127.0.0.1:9/shop_production")

    with pytest.raises(KilnError) as caught:
        server.up()

    text = caught.value.render()
    assert "127.0.0.1:9, database shop_production" in text
    assert "DATABASE_URL=postgresql://shop:********@127.0.0.1:9/shop_production" in text
    assert "hunter2" not in text
    assert server.status().running is False


def test_a_url_of_another_database_is_a_usage_error():
    with pytest.raises(UsageError) as caught:
        ExternalServer("mysql://shop@db/shop")
    assert caught.value.problems[0].where == "DATABASE_URL"


def test_database_url_picks_the_external_server_when_given(shared):
    project = shared.project
    given = "postgresql+psycopg://shop:pw@db.example.com/shop"

    assert isinstance(server_for(project, None), EmbeddedServer)
    assert isinstance(server_for(project, given), ExternalServer)
    external = load_config(project, "testing", {"DATABASE_URL": given})
    embedded = load_config(project, "testing", {})
    assert ProjectContext(project, external, server_for(project, given)).database_url == given
    context = ProjectContext(project, embedded, server_for(project, None))
    assert context.database_url == shared.url("shared_testing")
