"""The project's worker: ``kiln worker`` in the foreground, or beside the server (``kiln serve``).

kiln runs the app's own ``flask worker`` command, the one the production image runs, with the
environment's settings, after checking what would stop it (``inspection``). Ctrl-C, or SIGTERM
as ``docker stop`` sends it, lets the running jobs finish, then the worker stops.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kiln.database.prepare import prepare_database
from kiln.jobs.inspection import WORKER_COMMAND, inspect_queue
from kiln.jobs.queue import declared
from kiln.runner.commands import flask_argv, flask_environ, run_flask
from kiln.runner.companion import companion

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress

PREFIX = "worker | "


def worker_argv(queues: Sequence[str] = (), concurrency: int | None = None) -> list[str]:
    """``worker --queue Q … --concurrency N``: the arguments of the app's worker command."""
    options = [option for queue in queues for option in ("--queue", queue)]
    if concurrency is not None:
        options += ["--concurrency", str(concurrency)]
    return [WORKER_COMMAND, *options]


def run_worker(
    ctx: ProjectContext, queues: Sequence[str], concurrency: int | None, progress: Progress
) -> int:
    """The worker in the foreground, on a ready database, until Ctrl-C; its exit code."""
    declared(ctx.project)
    prepare_database(ctx, progress)
    _checked(ctx, progress)
    on = ", ".join(queues) if queues else "every queue"
    progress(f"worker for {ctx.project.name} ({ctx.config.env}) on {on}; Ctrl-C stops it")
    return run_flask(ctx, worker_argv(queues, concurrency))


@contextmanager
def worker_beside(ctx: ProjectContext, progress: Progress) -> Iterator[None]:
    """A worker while the body runs (the server), its lines prefixed; stopped gracefully after.
    The database must be ready."""
    _checked(ctx, progress)
    argv = flask_argv(ctx, *worker_argv())
    with companion(argv, flask_environ(ctx), ctx.project.root, PREFIX):
        progress(f"worker started beside the server, its lines marked {PREFIX.strip()}")
        yield


def _checked(ctx: ProjectContext, progress: Progress) -> None:
    queue = inspect_queue(ctx)
    progress(f"jobs: {queue.summary()}")
    for warning in queue.warnings():
        progress(f"warning: {warning}")
