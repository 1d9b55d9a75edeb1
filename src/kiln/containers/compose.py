"""``kiln compose``: ``docker compose`` in the project's folder, an environment's settings exported.

As a hand-written ``manage.py compose`` would: the settings kiln reads (``config/<env>.toml``,
``.env``, the shell) become the variables compose.yaml interpolates, so the stack runs that
environment's config.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from kiln.config import load_config_with_database
from kiln.containers.engine import require_compose, require_docker, require_engine
from kiln.errors import UsageError
from kiln.project import Project, find_project
from kiln.runner.process import run_child

COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
# docker compose's own options that take a value, skipped to find the subcommand after them.
_GLOBAL_WITH_VALUE = frozenset(
    {
        *("-f", "--file", "-p", "--project-name", "--profile", "--env-file"),
        *("--project-directory", "--ansi", "--progress", "--parallel"),
    }
)
# Subcommands that only read files, and help: they work with no engine running.
_OFFLINE = frozenset({"config", "convert", "version", "help"})


def compose_database_url(project: Project) -> str:
    """Where the app's database is inside the stack, compose.yaml's ``db`` service. It stands in for
    DATABASE_URL only while kiln checks the settings: compose.yaml gives the app the real URL."""
    return f"postgresql://postgres@db:5432/{project.package}"


def run_compose(env: str | None, args: Sequence[str]) -> int:
    """Check what this call needs (a compose file, docker, its engine, Compose v2), then run it.

    Compose's own help (``kiln compose -- --help``) needs none of the project's settings."""
    if asks_help(args):
        docker = require_docker()
        require_compose(docker)
        return run_child([docker, "compose", *args], env=os.environ)
    project = find_project()
    config, supplied = load_config_with_database(project, env, compose_database_url(project))
    config.require()
    check_compose_file(project, args)
    docker = require_engine() if needs_engine(args) else require_docker()
    require_compose(docker)
    exported = config.as_environ()
    if supplied:
        del exported["DATABASE_URL"]  # compose.yaml names the db service itself
    return run_child([docker, "compose", *args], env={**os.environ, **exported}, cwd=project.root)


def subcommand(args: Sequence[str]) -> str | None:
    """The compose subcommand in ``args`` (``up`` in ``--profile test up -d``), if any."""
    values = iter(args)
    for arg in values:
        if arg in _GLOBAL_WITH_VALUE:
            next(values, None)
        elif not arg.startswith("-"):
            return arg
    return None


def asks_help(args: Sequence[str]) -> bool:
    return "--help" in args or "-h" in args


def needs_engine(args: Sequence[str]) -> bool:
    """Whether docker compose will talk to the engine; ``config`` and ``--help`` do not."""
    name = subcommand(args)
    return name is not None and name not in _OFFLINE and not asks_help(args)


def check_compose_file(project: Project, args: Sequence[str]) -> None:
    """A compose file in the project's folder, unless ``-f``/``--file`` names one."""
    named = any(arg in ("-f", "--file") or arg.startswith("--file=") for arg in args)
    if named or any((project.root / name).is_file() for name in COMPOSE_FILES):
        return
    raise UsageError(
        f"no compose.yaml in {project.root}",
        where="kiln compose",
        fix="kiln new writes one; copy it from a new project (kiln new NAME), or name yours "
        "with -f FILE",
    )
