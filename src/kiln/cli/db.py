"""``kiln db``: start, stop and look into the project's PostgreSQL."""

from __future__ import annotations

import os

import click

from kiln.cli.context import load_context
from kiln.cli.options import env_option
from kiln.errors import KilnError, UsageError
from kiln.postgres import EmbeddedServer
from kiln.postgres import logs as server_logs
from kiln.postgres.binaries import find_binaries
from kiln.postgres.databases import create_database, list_databases
from kiln.postgres.urls import mask
from kiln.process import run_child


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _row(label: str, value: str) -> None:
    click.echo(f"{label:<10} {value}")


@click.group()
def db() -> None:
    """Run and inspect the project's PostgreSQL."""


@db.command()
@env_option
def up(env: str | None) -> int:
    """Start the project's PostgreSQL and print its URL.

    With DATABASE_URL set, only check that server answers.
    """
    ctx = load_context(env)
    if not ctx.server.up(_progress):
        already = "PostgreSQL is already running"
        _progress(already if ctx.server.mode == "embedded" else "DATABASE_URL's server answers")
    click.echo(mask(ctx.database_url))
    return 0


@db.command()
@env_option
def down(env: str | None) -> int:
    """Stop the project's PostgreSQL (open sessions are rolled back)."""
    ctx = load_context(env)
    if ctx.server.mode == "external":
        click.echo(
            "DATABASE_URL names an external server; kiln started nothing, so nothing to stop"
        )
    elif ctx.server.down():
        click.echo("PostgreSQL stopped")
    else:
        click.echo("PostgreSQL was not running")
    return 0


@db.command()
@env_option
def status(env: str | None) -> int:
    """Show the server, whether it runs, and its databases."""
    ctx = load_context(env)
    state = ctx.server.status()
    if state.mode == "embedded" and state.binaries:
        programs = state.binaries
        _row("mode", "embedded (kiln runs it)")
        _row("postgres", f"{programs.version} ({programs.source}: {programs.bindir})")
        _row("running", f"yes (pid {state.pid})" if state.running else "no")
        _row("data", f"{state.data_dir}" + ("" if state.initialised else " (not created yet)"))
        _row("socket", f"{state.socket_dir}")
    else:
        _row("mode", "external (DATABASE_URL)")
        _row("server", f"{state.target}")
        _row("running", f"yes (PostgreSQL {state.version})" if state.running else "no answer")
    _row("url", mask(ctx.database_url))
    if state.running:
        names = list_databases(ctx.server)
        _row("databases", ", ".join(names))
        if ctx.database_name not in names:
            _progress(f"{ctx.database_name} does not exist yet; create it with: kiln db create")
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
    ctx.server.up(_progress)
    psql = find_binaries().tool("psql")
    return run_child([psql, ctx.server.url(ctx.database_name)], env=os.environ)


@db.command()
@env_option
@click.option("-n", "--lines", default=50, show_default=True, help="How many lines to show.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines until Ctrl-C.")
def logs(env: str | None, lines: int, follow: bool) -> int:
    """Show the end of the server's log."""
    ctx = load_context(env)
    if not isinstance(ctx.server, EmbeddedServer):
        raise UsageError(
            "DATABASE_URL names an external server, whose log kiln cannot see",
            where="kiln db logs",
            fix="read the log where that server runs; or unset DATABASE_URL",
        )
    path = ctx.server.logs_path
    if not path.exists():
        raise KilnError(
            "no log yet: the server has never started", where=str(path), fix="kiln db up"
        )
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
    ctx.server.up(_progress)
    name = ctx.database_name
    click.echo(f"created {name}" if create_database(ctx.server, name) else f"{name} already exists")
    return 0
