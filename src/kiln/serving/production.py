"""``kiln serve --prod``: gunicorn with the production settings and gunicorn.conf.py, as the image
runs it, on the embedded server's ``<package>_production`` database unless DATABASE_URL is set.

``kiln serve --env production`` (Flask's dev server) needs the same: both try production on this
machine, and neither may touch a database nobody named."""

from __future__ import annotations

import os
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.config import load_config_with_database
from kiln.config.declarations import NEW_SECRET_COMMAND
from kiln.config.environments import PRODUCTION, choose_environment
from kiln.context import ProjectContext, load_context
from kiln.database.prepare import prepare_database
from kiln.errors import UsageError
from kiln.jobs.worker import worker_beside
from kiln.postgres import EmbeddedServer, server_for
from kiln.project import Project, find_project
from kiln.runner.commands import run_python
from kiln.runner.interpreter import project_python
from kiln.serving.ports import check_port_free

if TYPE_CHECKING:
    from kiln.postgres import Progress

GUNICORN_CONF = "gunicorn.conf.py"
GUNICORN_PORT = 8000  # gunicorn.conf.py's default for PORT


def serving_context(env: str | None) -> ProjectContext:
    """What ``kiln serve`` runs on: the environment's settings and database. For production, as
    with ``--prod``: the embedded ``<package>_production`` unless DATABASE_URL names another."""
    project = find_project()
    name, _ = choose_environment(project, env, os.environ)
    if name == PRODUCTION:
        return production_context(project, "kiln serve" + (f" --env {env}" if env else ""))
    return load_context(env)


def production_context(project: Project, command: str) -> ProjectContext:
    """The production settings on the embedded server's ``<package>_production`` database, unless
    DATABASE_URL names another; every problem in them is reported at once, a missing SECRET_KEY
    with how to try ``command`` all the same."""
    embedded = EmbeddedServer(project)
    local_url = embedded.url(project.database_name(PRODUCTION))
    config, supplied = load_config_with_database(project, PRODUCTION, local_url)
    if config.get("SECRET_KEY") is None:
        try_it = f"SECRET_KEY=$({NEW_SECRET_COMMAND}) {command}"
        fix = f"to try it out: {try_it}; to deploy, set it in the production environment"
        problems = [replace(p, fix=fix) if p.where == "SECRET_KEY" else p for p in config.problems]
        config = replace(config, problems=tuple(problems))
    server = embedded if supplied else server_for(project, config.get("DATABASE_URL"))
    return ProjectContext(project, config.require(), server)


def gunicorn_config(project: Project) -> Path:
    """The project's gunicorn.conf.py, once gunicorn is known to be installed where the project's
    code runs."""
    conf = project.root / GUNICORN_CONF
    if not conf.is_file():
        raise UsageError(
            f"no {GUNICORN_CONF} in {project.root}, so kiln cannot run the app as production does",
            where="kiln serve --prod",
            fix=f"kiln new writes one (bind 0.0.0.0:$PORT, workers, logs); copy {GUNICORN_CONF} "
            "from a new project (kiln new NAME)",
        )
    project_python(project, "gunicorn")
    return conf


def serve_production(port: int | None, progress: Progress, worker: bool = True) -> int:
    """gunicorn on ``port`` (else PORT, else 8000) with the production settings, after the same
    database preparation as ``kiln serve``; the project's worker in a process of its own beside
    it when the project has jobs, as the compose file runs it."""
    ctx = production_context(find_project(), "kiln serve --prod")
    port = port or int(ctx.config.get("PORT") or GUNICORN_PORT)
    check_port_free("0.0.0.0", port)
    conf = gunicorn_config(ctx.project)
    prepare_database(ctx, progress)
    app = ctx.project.flask_app(ctx.config.env)
    with worker_beside(ctx, progress) if worker and ctx.project.jobs else nullcontext():
        progress(
            f"serving {ctx.project.name} (production, gunicorn) on http://127.0.0.1:{port} "
            "and every other interface; Ctrl-C stops it"
        )
        return run_python(ctx, ["-m", "gunicorn", "--config", str(conf), app], PORT=str(port))
