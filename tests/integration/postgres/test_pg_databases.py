"""Database helpers on a real server: creating twice is fine, dropping ends sessions if asked."""

from __future__ import annotations

import psycopg
import pytest

from kiln.postgres.databases import (
    create_database,
    database_exists,
    drop_database,
    list_databases,
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
