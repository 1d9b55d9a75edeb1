"""``kiln serve``: the app on Flask's dev server, or gunicorn with ``--prod``."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.cli.output import progress
from kiln.config.environments import PRODUCTION
from kiln.errors import UsageError
from kiln.scenarios.databases import refuse_to_serve
from kiln.serving.development import DEFAULT_HOST, DEFAULT_PORT, serve_development
from kiln.serving.exposure import CONFIRM
from kiln.serving.production import serve_production, serving_context


@click.command()
@env_option
@click.option("--host", help=f"Interface to listen on.  [default: {DEFAULT_HOST}]")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help=f"Port to listen on.  [default: {DEFAULT_PORT}; with --prod, PORT or 8000]",
)
@click.option(
    "--prod",
    is_flag=True,
    help="Run gunicorn with the production settings, as the image does (on 0.0.0.0:PORT).",
)
@click.option(
    CONFIRM,
    "expose",
    is_flag=True,
    help="Allow a --host other machines reach, though they get the debugger and /admin.",
)
@click.option(
    "--scenario",
    metavar="NAME",
    help="Serve a fresh database loaded with scenarios/NAME.py (see kiln scenario).",
)
@click.option(
    "--no-worker",
    "worker",
    flag_value=False,
    default=True,
    help="Do not run the background jobs' worker beside the server (on when the project has jobs).",
)
def serve(
    env: str | None,
    host: str | None,
    port: int | None,
    prod: bool,
    expose: bool,
    scenario: str | None,
    worker: bool,
) -> int:
    """Run the app on Flask's dev server (--prod: gunicorn), its database created and migrated,
    and its worker beside it when it has background jobs."""
    if scenario:
        refuse_to_serve(env, prod)
    if prod:
        _check_prod_options(env, host)
        return serve_production(port, progress, worker)
    ctx = serving_context(env)
    host, port = host or DEFAULT_HOST, port or DEFAULT_PORT
    return serve_development(ctx, host, port, scenario, progress, worker, expose=expose)


def _check_prod_options(env: str | None, host: str | None) -> None:
    if env not in (None, PRODUCTION):
        raise UsageError(
            "--prod runs the production settings, so it takes no other environment",
            where=f"kiln serve --prod --env {env}",
            fix=f"drop --env {env}, or drop --prod to use Flask's dev server",
        )
    if host is not None:
        raise UsageError(
            "--prod listens where gunicorn.conf.py says, as the image does: 0.0.0.0:$PORT",
            where="kiln serve --prod --host",
            fix="drop --host (--port still applies), or change bind in gunicorn.conf.py",
        )
