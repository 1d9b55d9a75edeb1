"""Commands that run the app: ``serve``, ``flask``, ``shell``."""

from __future__ import annotations

import click

from kiln import serving
from kiln.cli.context import load_context
from kiln.cli.options import env_option


def _progress(message: str) -> None:
    click.echo(f"kiln: {message}", err=True)


@click.command()
@env_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve(env: str | None, host: str, port: int) -> int:
    """Run the app on Flask's dev server, its database started, created and migrated."""
    ctx = load_context(env)
    serving.check_port_free(host, port)
    serving.prepare_database(ctx, _progress)
    debug = ["--debug"] if ctx.config.env == "development" else []
    _progress(f"serving {ctx.project.name} ({ctx.config.env}) on http://{host}:{port}")
    return serving.run_flask(ctx, ["run", *debug, "--host", host, "--port", str(port)])


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    add_help_option=False,
)
@env_option
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def flask(env: str | None, args: tuple[str, ...]) -> int:
    """Run the flask command with the project's environment and database."""
    ctx = load_context(env)
    serving.prepare_database(ctx, _progress)
    return serving.run_flask(ctx, args)


@click.command()
@env_option
def shell(env: str | None) -> int:
    """Open a Python shell in the app's context (flask shell), its database ready."""
    ctx = load_context(env)
    serving.prepare_database(ctx, _progress)
    return serving.run_flask(ctx, ["shell"])
