"""``kiln db check``: do the models, the migrations and the environment's database agree?

Two questions, for CI as much as for a developer (Django's ``makemigrations --check``):

1. Does a migration exist for every change to the models? The migrations are applied to a
   scratch database and Alembic compares the models with it.
2. Is the environment's database where the migrations say: built by them (not by ``create_all``),
   at a revision they know, and up to date?
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiln.database import alembic_errors
from kiln.database.drift import compare_with_migrations
from kiln.database.revisions import VERSION_TABLE
from kiln.errors import KilnError
from kiln.findings import Finding, Status
from kiln.postgres.databases import database_exists

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress


@dataclass(frozen=True)
class _Migrations:
    differences: list[str]
    heads: list[str]
    revisions: list[str]
    models: str


def check(ctx: ProjectContext, progress: Progress) -> list[Finding]:
    """One finding on the models and the migrations, one on the environment's database."""
    found = _Migrations(**compare_with_migrations(ctx, progress))
    return [_models(found), _database(ctx, found)]


def _models(found: _Migrations) -> Finding:
    if not found.differences:
        return Finding(
            Status.OK, f"the models match the migrations (head {', '.join(found.heads)})"
        )
    count = len(found.differences)
    return Finding(
        Status.FAIL,
        f"the models and the migrations differ ({count} difference{'s' * (count > 1)}):",
        details=tuple(found.differences),
        fix="write the missing migration: kiln db migrate -m 'Describe the change', read it, "
        "then kiln db upgrade (or, if the models are what is wrong, change them back)",
    )


def _database(ctx: ProjectContext, found: _Migrations) -> Finding:
    name = ctx.database_name
    if not database_exists(ctx.server, name):
        return Finding(Status.OK, f"{name} does not exist yet (kiln serve creates and migrates it)")
    tables, applied = _state(ctx)
    if not applied and not tables:
        return Finding(Status.OK, f"{name} is empty (kiln db upgrade or kiln serve migrates it)")
    if not applied:
        error = alembic_errors.built_without_migrations(name, ", ".join(tables))
        return _failed(error)
    if unknown := [revision for revision in applied if revision not in found.revisions]:
        error = alembic_errors.unknown_database_revision(
            name, unknown[0], ctx.project.migrations_dir
        )
        return _failed(error)
    if set(applied) != set(found.heads):
        return Finding(
            Status.FAIL,
            f"{name} is at {', '.join(applied)}, behind the latest migration "
            f"{', '.join(found.heads)} (Alembic: 'Target database is not up to date')",
            fix="kiln db upgrade",
        )
    return Finding(Status.OK, f"{name} is up to date (at {', '.join(applied)})")


def _failed(error: KilnError) -> Finding:
    problem = error.problems[0]
    return Finding(Status.FAIL, problem.what, fix=problem.fix)


def _state(ctx: ProjectContext) -> tuple[list[str], list[str]]:
    """The database's tables (Alembic's own left out) and the revisions it records as applied."""
    with ctx.server.connect(ctx.database_name) as connection:
        rows = connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        tables = [table if schema == "public" else f"{schema}.{table}" for schema, table in rows]
        if VERSION_TABLE not in tables:
            return tables, []
        applied = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    return [table for table in tables if table != VERSION_TABLE], [v for (v,) in applied]
