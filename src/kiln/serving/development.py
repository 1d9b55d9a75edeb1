"""``kiln serve``: Flask's dev server, with its reloader, on a database made ready first."""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING

from kiln.database.drift import check_before_serving
from kiln.database.prepare import prepare_database
from kiln.jobs.worker import worker_beside
from kiln.runner.commands import run_python
from kiln.scenarios import databases as scenario_databases
from kiln.serving.exposure import check_exposure
from kiln.serving.ports import check_port_free
from kiln.serving.services import services_running

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress

# `flask run`, its log uncoloured off a terminal (dev_server.py)
DEV_SERVER = "kiln.serving.dev_server"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


def serve_development(
    ctx: ProjectContext,
    host: str,
    port: int,
    scenario: str | None,
    progress: Progress,
    worker: bool = True,
    *,
    expose: bool = False,
) -> int:
    """Serve the app on ``host:port``: on the environment's database, or a freshly loaded
    scenario's, with the project's services (``[tool.kiln.services]``) and its worker beside
    it when it has jobs and ``worker`` is on.
    Debug mode follows the configuration's ``FLASK_DEBUG``, which ``flask run`` reads itself.
    Another machine reaches it only when ``expose`` says so (see exposure.py). A missing
    migration is named first, in one line; the app is served anyway."""
    check_exposure(ctx, host, port, confirmed=expose, progress=progress)
    check_port_free(host, port)
    check_before_serving(ctx, progress)
    if scenario:
        ctx = scenario_databases.prepare(ctx, scenario, progress)
    else:
        prepare_database(ctx, progress)
    with (
        services_running(ctx, progress) as ctx,
        worker_beside(ctx, progress) if worker and ctx.project.jobs else nullcontext(),
    ):
        progress(f"serving {ctx.project.name} ({ctx.config.env}) on http://{host}:{port}")
        return run_python(ctx, ["-m", DEV_SERVER, "run", "--host", host, "--port", str(port)])
