"""``kiln flask``: the flask command with the project's environment and a ready database."""

from __future__ import annotations

import click

from kiln.cli.options import PASSTHROUGH, env_option
from kiln.cli.output import progress
from kiln.context import load_context
from kiln.database.prepare import prepare_database
from kiln.runner.commands import run_flask


@click.command(context_settings=PASSTHROUGH)
@env_option
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[FLASK ARGS]...")
def flask(env: str | None, args: tuple[str, ...]) -> int:
    """Run the flask command with the project's environment and database: kiln flask routes.

    kiln's options come first; kiln flask -- --help shows flask's own help (the app's commands).
    """
    ctx = load_context(env)
    prepare_database(ctx, progress)
    return run_flask(ctx, args)
