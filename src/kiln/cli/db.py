"""``kiln db``: the project's PostgreSQL (start, stop, look into it), its migrations (Alembic
through Flask-Migrate) and its data (seed, drop, recreate)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kiln.cli.options import env_option
from kiln.cli.output import echo_findings, progress
from kiln.cli.safety import confirm, yes_option
from kiln.context import ProjectContext, load_context
from kiln.database import migrations
from kiln.database.check import check as check_database
from kiln.database.guards import BY_HAND, DESTROYS_DATA, refuse_in_production
from kiln.database.prepare import ensure_database, prepare_database
from kiln.database.rebuild import rebuild
from kiln.database.seed import seed as seed_database
from kiln.masking import mask_url
from kiln.postgres import EmbeddedServer
from kiln.postgres import logs as server_logs
from kiln.postgres.binaries import find_binaries
from kiln.postgres.databases import (
    create_database,
    database_exists,
    drop_database,
    list_databases,
)
from kiln.project import find_project
from kiln.runner.process import run_child

# A revision may be relative, like -1: it must not be read as an option.
_REVISION = {"ignore_unknown_options": True}


def _row(label: str, value: str) -> None:
    click.echo(f"{label:<10} {value}")


@click.group()
def db() -> None:
    """The project's PostgreSQL, its migrations and its data."""


@db.command()
@env_option
def up(env: str | None) -> int:
    """Start the project's PostgreSQL, make the environment's database ready (created and
    migrated, as kiln serve does) and print its URL.

    With DATABASE_URL set, kiln starts nothing: it migrates that server's database.
    """
    ctx = load_context(env)
    if not ctx.server.up(progress):
        progress(ctx.server.already_up)
    prepare_database(ctx, progress)
    click.echo(mask_url(ctx.database_url))
    return 0


@db.command()
@env_option
def down(env: str | None) -> int:
    """Stop the project's PostgreSQL (open sessions are rolled back)."""
    click.echo(load_context(env).server.down())
    return 0


@db.command()
@env_option
def status(env: str | None) -> int:
    """Show the server, whether it runs, and its databases."""
    ctx = load_context(env)
    state = ctx.server.status()
    for label, value in [*state.rows(), ("url", mask_url(ctx.database_url))]:
        _row(label, value)
    if state.running:
        names = list_databases(ctx.server)
        _row("databases", ", ".join(names))
        if ctx.database_name not in names:
            progress(f"{ctx.database_name} does not exist yet; kiln db up creates and migrates it")
    return 0


@db.command()
@env_option
def url(env: str | None) -> int:
    """Print the environment's database URL.

    One line, for scripts; it includes DATABASE_URL's password if there is one.
    """
    click.echo(load_context(env).database_url)
    return 0


@db.command()
@env_option
def shell(env: str | None) -> int:
    """Open psql on the environment's database (starts the server)."""
    ctx = load_context(env)
    ctx.server.up(progress)
    psql = find_binaries().tool("psql")
    return run_child([psql, ctx.server.url(ctx.database_name)], env=os.environ)


@db.command()
@env_option
@click.option("-n", "--lines", default=50, show_default=True, help="How many lines to show.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines until Ctrl-C.")
def logs(env: str | None, lines: int, follow: bool) -> int:
    """Show the end of the server's log."""
    path = load_context(env).server.log_file()
    for line in server_logs.tail(path, lines):
        click.echo(line)
    if follow:
        for line in server_logs.follow(path):
            click.echo(line)
    return 0


@db.command()
@env_option
def create(env: str | None) -> int:
    """Create the environment's database; fine if it exists."""
    ctx = load_context(env)
    ctx.server.up(progress)
    name = ctx.database_name
    click.echo(f"created {name}" if create_database(ctx.server, name) else f"{name} already exists")
    return 0


@db.command()
@env_option
@click.option("-m", "--message", required=True, help="What the change does; it names the file.")
def migrate(env: str | None, message: str) -> int:
    """Write a migration for what changed in the models (Alembic's autogenerate).

    The models are compared with a scratch database built from the migrations, so the state of
    the environment's own database never matters.
    """
    ctx = load_context(env)
    found = migrations.autogenerate(ctx, message, progress)
    for line in found.detected:
        progress(f"detected {line}")
    if found.path is None:
        click.echo("No changes: the models match the migrations, so no migration was written.")
        progress(
            "Changed a model all the same? Alembic sees only the models imported when the app is "
            "built, and no renames (a rename looks like a drop and an add)."
        )
        return 0
    click.echo(f"wrote {_shown(ctx, found.path)}")
    progress("Read it (autogenerate misses renames and some changes), then: kiln db upgrade")
    return 0


@db.command(context_settings=_REVISION)
@env_option
@click.argument("revision", default="head")
def upgrade(env: str | None, revision: str) -> int:
    """Apply the migrations up to REVISION (default: all of them)."""
    ctx = _migrations_context(env)
    steps = migrations.upgrade(ctx, revision)
    for step in steps:
        click.echo(f"upgraded {ctx.database_name}: {step}")
    if not steps:
        where = "up to date" if revision == "head" else f"at {revision} or past it"
        click.echo(f"nothing to apply: {ctx.database_name} is {where}")
    return 0


@db.command(context_settings=_REVISION)
@env_option
@click.argument("revision")
def downgrade(env: str | None, revision: str) -> int:
    """Undo migrations down to REVISION: -1 for the last one, base for all."""
    ctx = _migrations_context(env)
    steps = migrations.downgrade(ctx, revision)
    for step in steps:
        click.echo(f"downgraded {ctx.database_name}: {step}")
    if not steps:
        click.echo(f"{ctx.database_name} is already at or below {revision}: nothing to undo")
    return 0


@db.command()
@env_option
def current(env: str | None) -> int:
    """Show the revision the environment's database is at."""
    ctx = _migrations_context(env)
    lines = migrations.current(ctx)
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo(f"{ctx.database_name} has no migration applied (base): kiln db upgrade")
    elif not any("(head)" in line for line in lines):
        progress(f"{ctx.database_name} is behind the latest migration: kiln db upgrade")
    return 0


@db.command()
@env_option
def history(env: str | None) -> int:
    """List the migrations, newest first; the database's is marked (current)."""
    for line in migrations.history(_migrations_context(env)):
        click.echo(line)
    return 0


@db.command(context_settings=_REVISION)
@env_option
@click.argument("revision")
def stamp(env: str | None, revision: str) -> int:
    """Record REVISION as applied without running anything.

    For a database whose tables already match it, e.g. one built with create_all: kiln db stamp
    head.
    """
    ctx = _migrations_context(env)
    for step in migrations.stamp(ctx, revision):
        click.echo(f"stamped {ctx.database_name}: {step} (nothing ran)")
    return 0


@db.command()
@env_option
@click.option("-m", "--message", default="Merge the heads", show_default=True)
def merge(env: str | None, message: str) -> int:
    """Write a migration that joins two heads (one migration from each of two branches)."""
    ctx = load_context(env)
    migrations.require_migrations(ctx.project)
    written = migrations.merge(ctx, message)
    click.echo(f"wrote {_shown(ctx, written)}" if written else "merged the heads")
    progress("then: kiln db upgrade")
    return 0


@db.command()
@env_option
def check(env: str | None) -> int:
    """Exit 1 when the models, the migrations and the database disagree (for CI).

    The models are compared with a scratch database built from the migrations (Django's
    makemigrations --check); the environment's database must have been built by the migrations,
    not create_all, and be up to date. Empty or not created yet is fine.
    """
    failed = echo_findings(check_database(load_context(env), progress))
    if failed:
        progress(f"{failed} problem(s) found.")
        return 1
    return 0


@db.command()
@env_option
def seed(env: str | None) -> int:
    """Run the project's seed function ([tool.kiln] seed) on a ready database."""
    ctx = load_context(env)
    prepare_database(ctx, progress)
    click.echo(seed_database(ctx))
    return 0


@db.command()
@env_option
@yes_option
def recreate(env: str | None, yes: bool) -> int:
    """Drop the environment's database and build it again from the migrations: empty."""
    refuse_in_production(env, "kiln db recreate", DESTROYS_DATA, BY_HAND)
    ctx = load_context(env)
    ctx.server.up(progress)
    if database_exists(ctx.server, ctx.database_name):
        question = f"Drop {ctx.database_name} with all its data and build it again?"
        confirm(question, yes, "kiln db recreate")
    rebuild(ctx, click.echo)
    return 0


@db.command()
@env_option
@yes_option
def drop(env: str | None, yes: bool) -> int:
    """Drop the environment's database, ending the sessions still open on it."""
    refuse_in_production(env, "kiln db drop", DESTROYS_DATA, BY_HAND)
    ctx = load_context(env)
    ctx.server.up(progress)
    name = ctx.database_name
    if not database_exists(ctx.server, name):
        click.echo(f"{name} does not exist: nothing to drop")
        return 0
    confirm(f"Drop {name} with all its data?", yes, "kiln db drop")
    drop_database(ctx.server, name, force=True)
    click.echo(f"dropped {name}")
    return 0


@db.command()
@yes_option
def destroy(yes: bool) -> int:
    """Stop the embedded server and delete its cluster: every database, every row."""
    project = find_project()
    server = EmbeddedServer(project)
    if not server.layout.initialised:
        click.echo("the project has no PostgreSQL cluster: nothing to destroy")
        return 0
    confirm(
        f"Delete the cluster in {server.layout.server_dir}, every database in it?",
        yes,
        "kiln db destroy",
    )
    server.destroy()
    click.echo(f"destroyed the cluster in {server.layout.server_dir}")
    return 0


def _migrations_context(env: str | None) -> ProjectContext:
    """The context for a command on the database's migrations: server up, database created."""
    ctx = load_context(env)
    migrations.require_migrations(ctx.project)
    ensure_database(ctx, progress)
    return ctx


def _shown(ctx: ProjectContext, path: Path) -> Path:
    """A file the command wrote, relative to the project when it is inside it."""
    return path.relative_to(ctx.project.root) if path.is_relative_to(ctx.project.root) else path
