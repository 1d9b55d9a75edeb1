"""The queue's tables, which procrastinate's schema creates through the project's migrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.errors import KilnError, UsageError

if TYPE_CHECKING:
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

JOBS_TABLE = "procrastinate_jobs"
# Emptied with the models' tables after a test that really commits (kiln.testing.isolation).
TABLES = (
    JOBS_TABLE,
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_workers",
)
# The query that says whether the queue is installed: the table's name, or NULL.
INSTALLED = f"SELECT to_regclass('{JOBS_TABLE}')"


def not_installed(database: str) -> KilnError:
    """The queue's tables are missing: no migration has created them on ``database``."""
    return KilnError(
        f"{database} has no job queue: the table {JOBS_TABLE} is missing, so no migration "
        "has installed procrastinate's schema there",
        where=f"the migrations applied to {database}",
        fix="kiln db upgrade applies them; if none installs the queue, add the api template's "
        "migration (migrations/versions/*_add_the_job_queue.py in a project from kiln new), "
        "then kiln db upgrade",
    )


def queue_database(app: Flask) -> SQLAlchemy:
    """The Flask-SQLAlchemy the jobs use, on a database where the queue is installed."""
    from sqlalchemy import text

    db: SQLAlchemy | None = app.extensions.get("sqlalchemy")
    if db is None:
        raise UsageError(
            "the app has no Flask-SQLAlchemy extension, which its jobs use to reach the database",
            where=f"the app factory ({app.import_name})",
            fix="attach it in the factory: db.init_app(app)",
        )
    if db.session.execute(text(INSTALLED)).scalar() is None:
        raise not_installed(str(db.engine.url.database))
    return db
