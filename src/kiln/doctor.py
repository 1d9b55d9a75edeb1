"""``kiln doctor``: the checks behind every first-run failure in the seeds, each with its fix."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.errors import KilnError
from kiln.project import Project, find_project

if TYPE_CHECKING:
    from kiln.config import Config
    from kiln.postgres import Server

MIN_PYTHON = (3, 11)


class Status(Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    status: Status
    title: str
    fix: str | None = None


def diagnose(env: str | None = None, cwd: Path | None = None) -> Iterator[Finding]:
    """Every check, in the order a new user meets the problems."""
    yield _python()
    yield _virtualenv()
    try:
        project = find_project(cwd)
    except KilnError as error:
        problem = error.problems[0]
        yield Finding(Status.FAIL, f"project: {problem.what}", problem.fix)
        yield from _docker()
        return
    yield Finding(Status.OK, f"project {project.name} at {project.root}")
    yield _importable(project)
    yield from _flask_env_leftovers()
    config = yield from _config(project, env)
    yield from _postgres(project, config)
    yield from _docker()


def _python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < MIN_PYTHON:
        return Finding(
            Status.FAIL,
            f"Python {version} is too old (kiln needs 3.11 or newer)",
            "create the virtualenv with a newer Python: python3.12 -m venv .venv",
        )
    return Finding(Status.OK, f"Python {version} ({sys.executable})")


def _virtualenv() -> Finding:
    if sys.prefix != sys.base_prefix:
        return Finding(Status.OK, f"virtualenv {sys.prefix}")
    return Finding(
        Status.WARN,
        "no virtualenv is active: packages go into the system Python",
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]'",
    )


def _importable(project: Project) -> Finding:
    """The seed's ``No module named 'application'``, told apart by its three usual causes."""
    package_dir = project.package_dir
    shown = package_dir.relative_to(project.root)
    if not package_dir.is_dir():
        return Finding(
            Status.FAIL,
            f"package {project.package} not found: no src/{project.package}/ or {project.package}/",
            'create it, or set [tool.kiln] package = "yourpackage" in pyproject.toml',
        )
    if not (package_dir / "__init__.py").is_file():
        return Finding(
            Status.FAIL,
            f"{shown}/ has no __init__.py, so it is not a package",
            f"touch {shown}/__init__.py",
        )
    if importlib.util.find_spec(project.package) is None:
        return Finding(
            Status.FAIL,
            f"package {project.package} is not installed in this Python ({sys.executable})",
            f"cd {project.root} && pip install -e '.[dev]'",
        )
    return Finding(Status.OK, f"package {project.package} imports")


def _flask_env_leftovers() -> Iterator[Finding]:
    """Variables from older Flask tutorials that no longer do what they say."""
    if "FLASK_ENV" in os.environ:
        yield Finding(
            Status.WARN,
            "FLASK_ENV is set but Flask 2.3+ ignores it",
            "unset FLASK_ENV; kiln picks the environment from KILN_ENV (or --env)",
        )


def _config(project: Project, env: str | None) -> Generator[Finding, None, Config | None]:
    from kiln.config import load_config

    try:
        config = load_config(project, env)
    except KilnError as error:
        problem = error.problems[0]
        yield Finding(Status.FAIL, f"config: {problem.where}: {problem.what}", problem.fix)
        return None
    if config.problems:
        for problem in config.problems:
            yield Finding(Status.FAIL, f"config: {problem.where}: {problem.what}", problem.fix)
    else:
        yield Finding(
            Status.OK, f"config for {config.env} is valid ({len(config.settings)} settings)"
        )
    return config


def _postgres(project: Project, config: Config | None) -> Iterator[Finding]:
    from kiln.postgres import server_for
    from kiln.postgres.binaries import find_binaries

    try:
        binaries = find_binaries()
        yield Finding(
            Status.OK,
            f"PostgreSQL {binaries.version} binaries ({binaries.source}: {binaries.bindir})",
        )
    except KilnError as error:
        yield Finding(Status.FAIL, error.problems[0].what, error.problems[0].fix)
    if config is None:
        return
    server = server_for(project, config.get("DATABASE_URL"))
    yield _server_state(server)


def _server_state(server: Server) -> Finding:
    try:
        status = server.status()
    except KilnError as error:
        return Finding(Status.FAIL, error.problems[0].what, error.problems[0].fix)
    if server.mode == "external":
        return Finding(Status.OK, "DATABASE_URL is set: kiln uses that server and starts none")
    if status.running:
        return Finding(Status.OK, f"embedded PostgreSQL running (pid {status.pid})")
    return Finding(
        Status.OK, "embedded PostgreSQL stopped (kiln serve and kiln test start it; or kiln db up)"
    )


def _docker() -> Iterator[Finding]:
    """Only ``kiln build`` and ``kiln compose`` need Docker, so a problem with it is a warning."""
    from kiln.containers import probe_engine

    engine = probe_engine()
    if engine.problem is None:
        yield Finding(Status.OK, f"Docker engine {engine.version} reachable without sudo")
    else:
        title = f"{engine.problem.what}; only kiln build and kiln compose need it"
        yield Finding(Status.WARN, title, engine.problem.fix)
