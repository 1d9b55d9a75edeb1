"""``kiln compose``: docker compose with the environment's settings exported."""

from __future__ import annotations

import click

from kiln.cli.options import PASSTHROUGH, env_option
from kiln.containers import run_compose


@click.command(context_settings=PASSTHROUGH)
@env_option
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[COMPOSE ARGS]...")
def compose(env: str | None, args: tuple[str, ...]) -> int:
    """Run docker compose with the environment's settings exported: kiln compose up --build.

    kiln's options come first; kiln compose -- --help shows docker compose's own help.
    """
    return run_compose(env, args)
