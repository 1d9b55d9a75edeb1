"""``kiln serve``: Flask's dev server, with its reloader, on a database made ready first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.database.prepare import prepare_database
from kiln.runner.commands import run_python
from kiln.scenarios import databases as scenario_databases
from kiln.serving.exposure import check_exposure
from kiln.serving.ports import check_port_free

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
    *,
    expose: bool = False,
) -> int:
    """Serve the app on ``host:port``: on the environment's database, or a freshly loaded
    scenario's. Debug mode follows the configuration's ``FLASK_DEBUG``, which ``flask run``
    reads itself. Another machine reaches it only when ``expose`` says so (see exposure.py)."""
    check_exposure(ctx, host, port, confirmed=expose, progress=progress)
    check_port_free(host, port)
    if scenario:
        ctx = scenario_databases.prepare(ctx, scenario, progress)
    else:
        prepare_database(ctx, progress)
    progress(f"serving {ctx.project.name} ({ctx.config.env}) on http://{host}:{port}")
    return run_python(ctx, ["-m", DEV_SERVER, "run", "--host", host, "--port", str(port)])
