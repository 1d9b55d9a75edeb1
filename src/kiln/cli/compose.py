"""``kiln compose``: docker compose with the environment's settings exported."""

from __future__ import annotations

import click

from kiln.cli.options import PASSTHROUGH, env_option
from kiln.containers import run_compose


@click.command(context_settings=PASSTHROUGH, add_help_option=False)
@env_option
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def compose(env: str | None, args: tuple[str, ...]) -> int:
    """Run docker compose with the environment's settings exported: kiln compose up --build."""
    return run_compose(env, args)
