"""``kiln shell``: ``flask shell`` in the app's context, its database ready."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.cli.output import progress
from kiln.context import load_context
from kiln.database.prepare import prepare_database
from kiln.runner.commands import run_flask


@click.command()
@env_option
def shell(env: str | None) -> int:
    """Open a Python shell in the app's context (flask shell), its database ready."""
    ctx = load_context(env)
    prepare_database(ctx, progress)
    return run_flask(ctx, ["shell"])
