"""Add the job queue: procrastinate's tables and functions.

Revision ID: 0a4d2c6b8e10
Revises:
Create Date: 2026-11-28 10:12:00.000000

procrastinate ships its schema as numbered SQL files, one for each release that changed it. This
runs them in order up to the last one of procrastinate 3.10, so a database built from nothing and
one built before an upgrade of procrastinate end up alike. When a newer procrastinate adds files
(its release notes say so), write a migration that runs just those, like this one with another
range. Each file commits on its own: a later file may use an enum value an earlier one added,
which PostgreSQL allows only once it is committed.
"""

from pathlib import Path

from alembic import op
from procrastinate.schema import SchemaManager

# Revision identifiers, used by Alembic.
revision = "0a4d2c6b8e10"
down_revision = None
branch_labels = None
depends_on = None

FIRST = "00.00.00_01_initial.sql"
LAST = "03.04.00_50_post_add_retry_failed_job_procedure.sql"


def upgrade() -> None:
    folder = Path(SchemaManager.get_migrations_path())
    scripts = sorted(path for path in folder.glob("*.sql") if FIRST <= path.name <= LAST)
    with op.get_context().autocommit_block():
        for script in scripts:
            _run(script.read_text(encoding="utf-8"))


def downgrade() -> None:
    # The functions first (with the triggers that call them): some return rows of the tables.
    _run(
        """
        DO $$
        DECLARE function regprocedure;
        BEGIN
            FOR function IN
                SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'procrastinate\\_%'
                AND pronamespace = current_schema()::regnamespace
            LOOP
                EXECUTE 'DROP FUNCTION ' || function || ' CASCADE';
            END LOOP;
        END $$
        """
    )
    _run(
        "DROP TABLE procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
        "procrastinate_workers"
    )
    _run(
        "DROP TYPE procrastinate_job_to_defer_v1, procrastinate_job_event_type, "
        "procrastinate_job_status"
    )


def _run(sql: str) -> None:
    """Send ``sql`` as it is: its % signs (PL/pgSQL messages) are not query parameters."""
    op.get_bind().execution_options(no_parameters=True).exec_driver_sql(sql)
