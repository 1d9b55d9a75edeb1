"""A scenario's own database, ``<database>_scenario_<name>``, on the project's server.

``up`` always starts from nothing (drop, create, migrate, load), so the data is exactly what the
scenario says; ``down`` drops it. Both end the sessions still open on it: it is throwaway data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.database.guards import DEVELOPMENT_DATA, refuse_in_production
from kiln.database.rebuild import rebuild
from kiln.errors import UsageError
from kiln.postgres.databases import drop_database
from kiln.runner import tasks
from kiln.scenarios.catalog import Scenario, check_name, find
from kiln.scenarios.loading import load_scenario

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress

MAX_NAME = 63  # bytes PostgreSQL keeps of a database name


def database_name(ctx: ProjectContext, name: str) -> str:
    check_name(name)
    database = f"{ctx.database_name}_scenario_{name}"
    if len(database.encode()) > MAX_NAME:
        raise UsageError(
            f"the database for scenario {name}, {database}, would be longer than the "
            f"{MAX_NAME} characters PostgreSQL allows",
            where=f"scenarios/{name}.py",
            fix=f"shorten the scenario's name to {MAX_NAME - len(database) + len(name)} "
            "characters or fewer",
        )
    return database


def up(ctx: ProjectContext, scenario: Scenario, progress: Progress) -> ProjectContext:
    """Build the scenario's database from nothing; the context that works on it.

    If the scenario fails to load, its database is dropped: nothing half-loaded stays behind.
    """
    ctx.server.up(progress)
    target = ctx.on(database_name(ctx, scenario.name))
    name = target.database_name
    try:
        rebuild(target, progress)
        tasks.call(
            target,
            load_scenario,
            scenario.name,
            failure=f"loading scenario {scenario.name} into {name} failed",
            where=str(scenario.path),
        )
    except BaseException:
        drop_database(ctx.server, name, force=True)
        raise
    progress(f"loaded scenario {scenario.name} into {name}")
    return target


def down(ctx: ProjectContext, name: str, progress: Progress) -> str | None:
    """Drop the scenario's database; its name, or ``None`` if it was not there."""
    database = database_name(ctx, name)
    ctx.server.up(progress)
    return database if drop_database(ctx.server, database, force=True) else None


def prepare(ctx: ProjectContext, name: str, progress: Progress) -> ProjectContext:
    """Load scenario ``name`` afresh; the context working on its database."""
    return up(ctx, find(ctx.project, name), progress)


def refuse_to_serve(env: str | None, prod: bool) -> None:
    """``kiln serve --scenario`` runs the development server only."""
    if prod:
        raise UsageError(
            f"--prod runs the production settings, and {DEVELOPMENT_DATA}",
            where="kiln serve --prod --scenario",
            fix="drop --scenario, or drop --prod",
        )
    refuse_in_production(env, "kiln serve --scenario", DEVELOPMENT_DATA)
