"""Commands that run the app: ``serve`` (``--prod``: gunicorn), ``flask``, ``shell``."""

from __future__ import annotations

import click

from kiln import serving
from kiln.cli import scenario as scenarios
from kiln.cli.options import env_option
from kiln.cli.output import progress
from kiln.context import load_context
from kiln.errors import UsageError


@click.command()
@env_option
@click.option("--host", help="Interface to listen on.  [default: 127.0.0.1]")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Port to listen on.  [default: 5000; with --prod, PORT or 8000]",
)
@click.option(
    "--prod",
    is_flag=True,
    help="Run gunicorn with the production settings, as the image does (on 0.0.0.0:PORT).",
)
@click.option(
    "--scenario",
    metavar="NAME",
    help="Serve a fresh database loaded with scenarios/NAME.py (see kiln scenario).",
)
def serve(
    env: str | None, host: str | None, port: int | None, prod: bool, scenario: str | None
) -> int:
    """Run the app on Flask's dev server (--prod: gunicorn), its database created and migrated."""
    if scenario:
        scenarios.refuse_to_serve(env, prod)
    if prod:
        return _serve_prod(env, host, port)
    ctx = load_context(env)
    host, port = host or "127.0.0.1", port or 5000
    serving.check_port_free(host, port)
    if scenario:
        ctx = scenarios.prepare(ctx, scenario, progress)
    else:
        serving.prepare_database(ctx, progress)
    debug = ["--debug"] if ctx.config.env == "development" else []
    progress(f"serving {ctx.project.name} ({ctx.config.env}) on http://{host}:{port}")
    return serving.run_flask(ctx, ["run", *debug, "--host", host, "--port", str(port)])


def _serve_prod(env: str | None, host: str | None, port: int | None) -> int:
    if env not in (None, serving.PRODUCTION):
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
    return serving.serve_production(port, progress)


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    add_help_option=False,
)
@env_option
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def flask(env: str | None, args: tuple[str, ...]) -> int:
    """Run the flask command with the project's environment and database."""
    ctx = load_context(env)
    serving.prepare_database(ctx, progress)
    return serving.run_flask(ctx, args)


@click.command()
@env_option
def shell(env: str | None) -> int:
    """Open a Python shell in the app's context (flask shell), its database ready."""
    ctx = load_context(env)
    serving.prepare_database(ctx, progress)
    return serving.run_flask(ctx, ["shell"])
