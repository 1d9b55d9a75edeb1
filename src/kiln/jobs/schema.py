"""The queue's tables, which procrastinate's schema creates through the project's migrations."""

from __future__ import annotations

from kiln.errors import KilnError

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
