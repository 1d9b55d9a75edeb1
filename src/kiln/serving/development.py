"""``kiln serve``: Flask's dev server, with its reloader, on a database made ready first."""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING

from kiln.database.prepare import prepare_database
from kiln.jobs.worker import worker_beside
from kiln.runner.commands import run_flask
from kiln.scenarios import databases as scenario_databases
from kiln.serving.ports import check_port_free

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


def serve_development(
    ctx: ProjectContext,
    host: str,
    port: int,
    scenario: str | None,
    progress: Progress,
    worker: bool = True,
) -> int:
    """Serve the app on ``host:port``: on the environment's database, or a freshly loaded
    scenario's, with the project's worker beside it when it has jobs and ``worker`` is on.
    Debug mode follows the configuration's ``FLASK_DEBUG``, which ``flask run`` reads itself."""
    check_port_free(host, port)
    if scenario:
        ctx = scenario_databases.prepare(ctx, scenario, progress)
    else:
        prepare_database(ctx, progress)
    with worker_beside(ctx, progress) if worker and ctx.project.jobs else nullcontext():
        progress(f"serving {ctx.project.name} ({ctx.config.env}) on http://{host}:{port}")
        return run_flask(ctx, ["run", "--host", host, "--port", str(port)])
