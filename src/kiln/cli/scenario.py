"""``kiln scenario``: named data sets in ``scenarios/``, each loaded into a database of its own."""

from __future__ import annotations

import shlex

import click

from kiln.cli.options import env_option
from kiln.cli.output import progress
from kiln.context import load_context
from kiln.database.guards import DEVELOPMENT_DATA, refuse_in_production
from kiln.postgres.binaries import find_binaries
from kiln.project import find_project
from kiln.scenarios import catalog, databases


@click.group()
def scenario() -> None:
    """Named data sets in scenarios/: list them, load one into a database of its own."""


@scenario.command("list")
def list_scenarios() -> int:
    """List the scenarios, each with the first line of its docstring."""
    project = find_project()
    found = catalog.available(project)
    if not found:
        click.echo(
            f"no scenarios yet: add {project.scenarios_dir.name}/NAME.py with def load(db) -> None"
        )
    width = max((len(item.name) for item in found), default=0)
    for item in found:
        click.echo(f"{item.name:<{width}}  {item.description}".rstrip())
    return 0


@scenario.command()
@env_option
@click.argument("name")
def up(env: str | None, name: str) -> int:
    """Load scenario NAME into a fresh database, <database>_scenario_NAME, and say how to use it."""
    refuse_in_production(env, "kiln scenario up", DEVELOPMENT_DATA)
    ctx = databases.prepare(load_context(env), name, progress)
    psql = shlex.join([str(find_binaries().tool("psql")), ctx.database_url])
    for label, value in [
        ("database", ctx.database_name),
        ("url", ctx.database_url),
        ("psql", psql),
        ("serve", f"kiln serve --scenario {name}"),
        ("down", f"kiln scenario down {name}"),
    ]:
        click.echo(f"{label:<9} {value}")
    return 0


@scenario.command()
@env_option
@click.argument("name")
def down(env: str | None, name: str) -> int:
    """Drop scenario NAME's database."""
    refuse_in_production(env, "kiln scenario down", DEVELOPMENT_DATA)
    ctx = load_context(env)
    dropped = databases.down(ctx, name, progress)
    if dropped:
        click.echo(f"dropped {dropped}")
    else:
        click.echo(f"{databases.database_name(ctx, name)} does not exist: nothing to drop")
    return 0
