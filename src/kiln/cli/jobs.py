"""``kiln jobs``: the job queue of an environment: list jobs, retry or cancel one."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.cli.output import progress
from kiln.context import load_context
from kiln.database.prepare import ensure_database
from kiln.jobs import admin


@click.group()
def jobs() -> None:
    """The background job queue: jobs by state, stalled ones, retry and cancel."""


@jobs.command("list")
@env_option
@click.option("--state", type=click.Choice(admin.STATES), help="Only the jobs in this state.")
@click.option("--task", metavar="NAME", help="Only the jobs of this task.")
@click.option("--queue", metavar="NAME", help="Only the jobs of this queue.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
def list_jobs(
    env: str | None, state: str | None, task: str | None, queue: str | None, limit: int
) -> int:
    """List the newest jobs, then whether workers are alive and jobs stalled or waiting."""
    ctx = load_context(env)
    ensure_database(ctx, progress)
    listing = admin.list_jobs(ctx, state, task, queue, limit)
    for line in listing.table():
        click.echo(line)
    click.echo(listing.health())
    return 0


@jobs.command()
@env_option
@click.argument("job_id", metavar="ID", type=int)
def retry(env: str | None, job_id: int) -> int:
    """Queue a failed or stalled job again, to run now."""
    ctx = load_context(env)
    ensure_database(ctx, progress)
    click.echo(admin.retry(ctx, job_id))
    return 0


@jobs.command()
@env_option
@click.argument("job_id", metavar="ID", type=int)
def cancel(env: str | None, job_id: int) -> int:
    """Cancel a waiting job, ask a running one to stop, or mark a stalled one aborted."""
    ctx = load_context(env)
    ensure_database(ctx, progress)
    click.echo(admin.cancel(ctx, job_id))
    return 0
