"""Checks of the project: its package imports, its configuration is valid, its server answers."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

from kiln.errors import KilnError
from kiln.findings import Finding, Status
from kiln.project import Project

if TYPE_CHECKING:
    from kiln.config import Config
    from kiln.postgres import Server


def importable(project: Project) -> Finding:
    """``No module named 'application'``, told apart by its three usual causes."""
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


def flask_env_leftovers() -> Iterator[Finding]:
    """Variables from older Flask tutorials that no longer do what they say."""
    if "FLASK_ENV" in os.environ:
        yield Finding(
            Status.WARN,
            "FLASK_ENV is set but Flask 2.3+ ignores it",
            "unset FLASK_ENV; kiln picks the environment from KILN_ENV (or --env)",
        )


def configuration(project: Project, env: str | None) -> Generator[Finding, None, Config | None]:
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
            Status.OK, f"config for {config.env} is valid ({len(config.listed())} settings)"
        )
    return config


def postgres(project: Project, config: Config | None) -> Iterator[Finding]:
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
        return Finding(Status.OK, server.status().summary())
    except KilnError as error:
        return Finding(Status.FAIL, error.problems[0].what, error.problems[0].fix)
