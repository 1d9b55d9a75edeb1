"""The job queue: procrastinate on the app's own PostgreSQL, and the worker that empties it.

Deferring a job (``send_welcome.defer(email=...)``) writes it in the SQLAlchemy session's
transaction: a job deferred in a request exists only if the request commits, and a job deferred
by another job only if that job succeeds. No broker, no second database.

``flask worker`` runs the jobs (``kiln worker`` in development; in production, the image with
``flask worker`` as its command). Each job runs inside the app's context with a session of its
own, committed when the job returns and rolled back when it raises. SIGTERM or Ctrl-C lets the
running jobs finish, then the worker stops. ``flask worker-health`` says whether workers are
alive and no job is stuck: the worker container's health check.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from procrastinate import App, PsycopgConnector, SyncPsycopgConnector
from procrastinate.connector import BaseConnector
from psycopg import Connection
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import text

from .extensions import db

# Seconds without a heartbeat after which a worker counts as gone (procrastinate's own figure).
HEARTBEAT_TIMEOUT = 30
# A job due for longer than this, with workers alive, means they cannot keep up or are stuck.
MAX_WAIT_MINUTES = 5


class _SessionConnector(SyncPsycopgConnector):
    """Deferring a job runs on the session's connection, inside its transaction."""

    def execute_query_one(self, query: Any, **arguments: Any) -> dict[str, Any]:
        return self.execute_query_one_with_connection(_session_connection(), query, **arguments)

    def execute_query_all(self, query: Any, **arguments: Any) -> list[dict[str, Any]]:
        return self.execute_query_all_with_connection(_session_connection(), query, **arguments)


class _Connector(PsycopgConnector):
    """The worker's own queries use its pool; everything synchronous, the session."""

    def get_sync_connector(self) -> BaseConnector:
        return _SessionConnector()


def _session_connection() -> Connection[Any]:
    connection: Connection[Any] = db.session.connection().connection.driver_connection
    return connection


# The tasks live in jobs.py, which the worker imports so that it knows every one of them.
queue = App(connector=_Connector(), import_paths=[f"{__package__}.jobs"])


def init_app(app: Flask) -> None:
    """Add ``flask worker`` and ``flask worker-health`` to the app's commands."""
    app.cli.add_command(worker_command)
    app.cli.add_command(worker_health_command)
    # Their debug lines (every job deferred, the event loop's start) would drown the app's own.
    for name in ("procrastinate", "asyncio"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger().level))


@click.command("worker")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    metavar="NAME",
    help="Run only the jobs of this queue (repeat for several). Default: every queue.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many jobs run at once, each in a thread of its own.",
)
@with_appcontext
def worker_command(queues: tuple[str, ...], concurrency: int) -> None:
    """Run the background jobs until SIGTERM or Ctrl-C (running jobs finish first)."""
    app: Flask = current_app._get_current_object()
    asyncio.run(_work(app, list(queues) or None, concurrency))


async def _work(app: Flask, queues: list[str] | None, concurrency: int) -> None:
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    async with (
        AsyncConnectionPool(url, min_size=2, max_size=concurrency + 2, open=False) as pool,
        queue.open_async(pool),
    ):
        await queue.run_worker_async(
            queues=queues, concurrency=concurrency, task_middleware=[_in_app_context(app)]
        )


def _in_app_context(app: Flask) -> Callable[..., Any]:
    """Run each job in the app's context; commit its writes when it returns."""

    def middleware(call_next: Callable[[], Any], context: Any, worker: Any) -> Any:
        with app.app_context():  # leaving it removes the session: a failed job rolls back
            result = call_next()
            db.session.commit()
            return result

    return middleware


@click.command("worker-health")
@with_appcontext
def worker_health_command() -> None:
    """Exit 0 when a worker is alive and no job is stuck; else say what is wrong and exit 1."""
    alive, stalled, overdue = db.session.execute(
        text(
            "WITH alive AS (SELECT id FROM procrastinate_workers"
            "  WHERE last_heartbeat >= now() - make_interval(secs => :heartbeat))"
            " SELECT (SELECT count(*) FROM alive),"
            " (SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'"
            "  AND (worker_id IS NULL OR worker_id NOT IN (SELECT id FROM alive))),"
            " (SELECT count(*) FROM procrastinate_jobs job WHERE status = 'todo'"
            "  AND coalesce(scheduled_at, (SELECT max(at) FROM procrastinate_events"
            "  WHERE job_id = job.id)) < now() - make_interval(mins => :wait))"
        ),
        {"heartbeat": HEARTBEAT_TIMEOUT, "wait": MAX_WAIT_MINUTES},
    ).one()
    problems = []
    if not alive:
        problems.append(f"no worker has sent a heartbeat in the last {HEARTBEAT_TIMEOUT} s")
    if stalled:
        problems.append(f"{stalled} job(s) marked running on a worker that is gone")
    if overdue:
        problems.append(f"{overdue} job(s) due for more than {MAX_WAIT_MINUTES} minutes")
    if problems:
        click.echo(f"unhealthy: {'; '.join(problems)}", err=True)
        sys.exit(1)
    click.echo(f"healthy: {alive} worker(s) alive, no job stuck")
