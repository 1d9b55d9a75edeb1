"""Checks of the project: its package, the Python that runs it, its app builds, its configuration
is valid, its server answers."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

from kiln.errors import KilnError
from kiln.findings import Finding, Status
from kiln.project import Project

if TYPE_CHECKING:
    from flask import Flask

    from kiln.config import Config
    from kiln.postgres import Server


def package_layout(project: Project) -> Finding | None:
    """``No module named 'application'`` because the package is not where it is looked for. An
    adopted project may be a flat module (``app.py``) or a namespace package, as flask allows."""
    package_dir = project.package_dir
    shown = package_dir.relative_to(project.root)
    if project.adopted and (
        package_dir.is_dir() or (project.root / f"{project.package}.py").is_file()
    ):
        return None
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
    return None


def interpreter(project: Project) -> Finding:
    """The Python kiln runs the project's code in, and whether the project and kiln are there."""
    from kiln.runner.interpreter import factory_package, project_python

    try:
        found = project_python(project)
    except KilnError as error:
        return _failed(error)
    return Finding(
        Status.OK,
        f"project Python {found.version}: {found.interpreter}; "
        f"{factory_package(project)} and kiln are installed there",
    )


def app_builds(project: Project, config: Config) -> Finding:
    """Build the app as ``flask`` does (the project's Python, its folder on ``sys.path``), so an
    error in the project's code shows here with its file and line."""
    from kiln.context import ProjectContext
    from kiln.postgres import server_for
    from kiln.runner import tasks

    ctx = ProjectContext(project, config, server_for(project, config.get("DATABASE_URL")))
    try:
        shown = project.describe_app(config.env)
        routes = tasks.call(
            ctx, count_routes, failure=f"building the app {shown} failed", where=shown
        )
    except KilnError as error:
        return _failed(error)
    return Finding(Status.OK, f"the app {shown} builds ({routes} routes)")


def count_routes(app: Flask, args: list[str]) -> int:
    """The task ``app_builds`` runs once the app is built."""
    return len(list(app.url_map.iter_rules()))


def _failed(error: KilnError) -> Finding:
    problem = error.problems[0]
    title = f"{problem.where}: {problem.what}" if problem.where else problem.what
    return Finding(Status.FAIL, title, problem.fix)


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
