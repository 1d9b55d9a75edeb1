"""Per-test isolation: every session of the app joins one outer transaction rolled back at the end.

This is SQLAlchemy 2.0's "join an external transaction" recipe applied to Flask-SQLAlchemy: the
sessions are bound to one connection with ``join_transaction_mode="create_savepoint"``, so
application code may ``commit()`` (it releases a savepoint) and the test leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session

from kiln.jobs import schema as queue_tables

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine


class _ConnectionSession(Session):
    """Flask-SQLAlchemy's session, but always on the connection it was given.

    Flask-SQLAlchemy picks an engine by bind key and ignores ``bind=``; tests need the opposite.
    """

    def get_bind(
        self,
        mapper: Any = None,
        clause: Any = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        if bind is not None:
            return bind
        assert self.bind is not None  # rolled_back() always makes it with bind=connection
        return self.bind


@contextmanager
def rolled_back(db: SQLAlchemy) -> Iterator[None]:
    """Run the body with ``db.session`` inside a transaction that is rolled back afterwards."""
    original = db.session
    connection = db.engine.connect()
    transaction = connection.begin()
    db.session = db._make_scoped_session(
        {
            "bind": connection,
            "join_transaction_mode": "create_savepoint",
            "class_": _ConnectionSession,
        }
    )
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        transaction.rollback()
        connection.close()


def truncate_all(db: SQLAlchemy) -> None:
    """Empty every table the models know (not Alembic's), and the job queue's when it is there,
    after a test that really committed."""
    tables = [t for t in db.metadata.sorted_tables if t.name != "alembic_version"]
    names = [db.engine.dialect.identifier_preparer.format_table(t) for t in tables]
    with db.engine.begin() as connection:
        names += connection.exec_driver_sql(
            "SELECT relname FROM pg_class WHERE relname = ANY(%(queue)s) "
            "AND relkind = 'r' AND pg_table_is_visible(oid)",
            {"queue": list(queue_tables.TABLES)},
        ).scalars()
        if names:
            connection.exec_driver_sql(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
