"""Getting an environment's database ready and running the app against it (seed 002's manage.py):
Flask's dev server or the flask command, and gunicorn with the production settings (``--prod``).
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.errors import UsageError

if TYPE_CHECKING:
    from kiln.config import Config
    from kiln.context import ProjectContext
    from kiln.project import Project

PRODUCTION = "production"
GUNICORN_CONF = "gunicorn.conf.py"
GUNICORN_PORT = 8000  # gunicorn.conf.py's default for PORT


def flask_environ(ctx: ProjectContext) -> dict[str, str]:
    """The child's environment: ours, then the project's config, then where its database is."""
    return {
        **os.environ,
        **ctx.config.as_environ(),
        "DATABASE_URL": ctx.database_url,
        "FLASK_APP": ctx.project.flask_app(ctx.config.env),
        "FLASK_SKIP_DOTENV": "1",  # kiln has already read .env, with the precedence it documents
    }


def flask_argv(*args: str) -> list[str]:
    """``flask`` from the Python kiln runs in, which is the project's virtualenv."""
    return [sys.executable, "-m", "flask", *args]


def prepare_database(ctx: ProjectContext, progress: Callable[[str], None]) -> None:
    """Start the server if needed, create the environment's database, apply the migrations."""
    from kiln import migrations

    ensure_database(ctx, progress)
    if ctx.project.has_migrations:
        for step in migrations.upgrade(ctx):
            progress(f"migrated {ctx.database_name}: {step}")


def ensure_database(ctx: ProjectContext, progress: Callable[[str], None]) -> None:
    """Start the server if needed and create the database kiln provides (a ``DATABASE_URL``'s
    database is its owner's to create)."""
    from kiln.postgres.databases import create_database

    ctx.server.up(progress)
    if ctx.server.mode == "embedded" and create_database(ctx.server, ctx.database_name):
        progress(f"created database {ctx.database_name}")


def check_port_free(host: str, port: int) -> None:
    """Fail before Flask does, with the fix, when the address is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(
                f"cannot listen on {host}:{port}: {error.strerror}",
                where="kiln serve --host/--port",
                fix=f"stop what uses it (another kiln serve?) or choose another: --port {port + 1}",
            ) from None


def run_flask(ctx: ProjectContext, args: Sequence[str]) -> int:
    """Run ``flask ARGS`` for the project with its environment; Ctrl-C reaches the child."""
    from kiln.process import run_child

    return run_child(flask_argv(*args), env=flask_environ(ctx), cwd=ctx.project.root)


def load_config_with_database(
    project: Project, env: str | None, database_url: str
) -> tuple[Config, bool]:
    """``env``'s config; where it names no DATABASE_URL, kiln provides the database at
    ``database_url``, so production's "DATABASE_URL is required" does not apply (then ``True``)."""
    from kiln.config import load_config

    config = load_config(project, env)
    if config.get("DATABASE_URL") is not None:
        return config, False
    environ = {**os.environ, "DATABASE_URL": database_url}
    return load_config(project, config.env, environ), True


def production_context() -> ProjectContext:
    """The production settings on the embedded server's ``<package>_production`` database, unless
    DATABASE_URL names another; every problem in them is reported at once."""
    from kiln.config.schema import NEW_SECRET_COMMAND
    from kiln.context import ProjectContext
    from kiln.postgres import EmbeddedServer, server_for
    from kiln.project import find_project

    project = find_project()
    embedded = EmbeddedServer(project)
    local_url = embedded.url(project.database_name(PRODUCTION))
    config, supplied = load_config_with_database(project, PRODUCTION, local_url)
    if config.get("SECRET_KEY") is None:
        try_it = f"SECRET_KEY=$({NEW_SECRET_COMMAND}) kiln serve --prod"
        fix = f"to try it out: {try_it}; to deploy, set it in the production environment"
        problems = [replace(p, fix=fix) if p.where == "SECRET_KEY" else p for p in config.problems]
        config = replace(config, problems=tuple(problems))
    server = embedded if supplied else server_for(project, config.get("DATABASE_URL"))
    return ProjectContext(project, config.require(), server)


def gunicorn_config(project: Project) -> Path:
    """The project's gunicorn.conf.py, once gunicorn is known to be installed."""
    conf = project.root / GUNICORN_CONF
    if not conf.is_file():
        raise UsageError(
            f"no {GUNICORN_CONF} in {project.root}, so kiln cannot run the app as production does",
            where="kiln serve --prod",
            fix=f"kiln new writes one (bind 0.0.0.0:$PORT, workers, logs); copy {GUNICORN_CONF} "
            "from a new project (kiln new NAME)",
        )
    if importlib.util.find_spec("gunicorn") is None:
        raise UsageError(
            f"gunicorn is not installed in this Python ({sys.executable})",
            where="kiln serve --prod",
            fix="install the project's dependencies, gunicorn among them: pip install -e '.[dev]'",
        )
    return conf


def serve_production(port: int | None, progress: Callable[[str], None]) -> int:
    """``kiln serve --prod``: gunicorn on ``port`` (else PORT, else 8000) with the production
    settings, as the image runs it, after the same database preparation as ``kiln serve``."""
    ctx = production_context()
    port = port or int(ctx.config.get("PORT") or GUNICORN_PORT)
    check_port_free("0.0.0.0", port)
    conf = gunicorn_config(ctx.project)
    prepare_database(ctx, progress)
    progress(
        f"serving {ctx.project.name} (production, gunicorn) on http://127.0.0.1:{port} "
        "and every other interface; Ctrl-C stops it"
    )
    return run_gunicorn(ctx, conf, port)


def run_gunicorn(ctx: ProjectContext, conf: Path, port: int) -> int:
    """Run gunicorn with ``conf`` and the project's factory for the context's environment."""
    from kiln.process import run_child

    app = ctx.project.flask_app(ctx.config.env)
    argv = [sys.executable, "-m", "gunicorn", "--config", str(conf), app]
    return run_child(argv, env={**flask_environ(ctx), "PORT": str(port)}, cwd=ctx.project.root)
