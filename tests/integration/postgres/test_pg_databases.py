"""Database helpers on a real server: creating twice is fine, dropping ends sessions if asked."""

from __future__ import annotations

import psycopg
import pytest

from kiln.errors import KilnError
from kiln.postgres import ExternalServer
from kiln.postgres.databases import (
    create_database,
    database_exists,
    drop_database,
    list_databases,
    temporary_database,
)


def test_create_is_idempotent_and_drop_says_whether_it_existed(shared):
    assert create_database(shared, "shared_orders") is True
    assert create_database(shared, "shared_orders") is False
    assert database_exists(shared, "shared_orders")
    assert "shared_orders" in list_databases(shared)

    assert drop_database(shared, "shared_orders") is True
    assert drop_database(shared, "shared_orders") is False
    assert not database_exists(shared, "shared_orders")


def test_names_are_quoted_identifiers(shared):
    name = 'Odd "name"; DROP'
    assert create_database(shared, name) is True
    assert name in list_databases(shared)
    assert drop_database(shared, name) is True


def test_force_ends_open_sessions(shared):
    create_database(shared, "shared_busy")
    with psycopg.connect(shared.url("shared_busy")) as session:
        assert drop_database(shared, "shared_busy", force=True) is True
        with pytest.raises(psycopg.OperationalError):
            session.execute("SELECT 1")


def test_a_temporary_database_is_dropped_even_when_the_body_fails(shared):
    seen = []

    def use_then_fail() -> None:
        with temporary_database(shared, "shared_scratch") as name:
            seen.append((name, database_exists(shared, name)))
            raise RuntimeError("the body failed")

    with pytest.raises(RuntimeError):
        use_then_fail()
    [(name, existed)] = seen
    assert name.startswith("shared_scratch_")
    assert existed
    assert not database_exists(shared, name)


def test_a_user_who_may_not_create_databases_is_told_so(shared):
    with shared.connect() as admin:
        admin.execute("DROP ROLE IF EXISTS shared_reader")
        admin.execute("CREATE ROLE shared_reader LOGIN")
    reader = ExternalServer(shared.url("postgres").replace("postgres@", "shared_reader@", 1))
    try:
        with pytest.raises(KilnError) as raised:
            create_database(reader, "shared_denied")
    finally:
        with shared.connect() as admin:
            admin.execute("DROP ROLE shared_reader")
    problem = raised.value.problems[0]
    assert (
        problem.what
        == "cannot create the database shared_denied: permission denied to create database"
    )
    assert "CREATEDB" in problem.fix
