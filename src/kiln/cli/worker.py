"""``kiln worker``: the project's background jobs, run until Ctrl-C."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.cli.output import progress
from kiln.context import load_context
from kiln.jobs.worker import run_worker


@click.command()
@env_option
@click.option(
    "--queue",
    "queues",
    multiple=True,
    metavar="NAME",
    help="Run only the jobs of this queue (repeat for several).  [default: every queue]",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    help="How many jobs run at once, each in a thread.  [default: 1]",
)
def worker(env: str | None, queues: tuple[str, ...], concurrency: int | None) -> int:
    """Run the background jobs on the environment's database (Ctrl-C: finish them, stop)."""
    return run_worker(load_context(env), queues, concurrency, progress)
