"""``kiln doctor``: a check for each first-run failure of a Flask service, each with its fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kiln.doctor import machine, project_checks
from kiln.errors import KilnError
from kiln.findings import Finding, Status
from kiln.project import find_project


def diagnose(env: str | None = None, cwd: Path | None = None) -> Iterator[Finding]:
    """Every check, in the order a new user meets the problems."""
    yield machine.python()
    yield machine.virtualenv()
    try:
        project = find_project(cwd)
    except KilnError as error:
        problem = error.problems[0]
        yield Finding(Status.FAIL, f"project: {problem.what}", problem.fix)
        yield from machine.docker()
        return
    yield Finding(Status.OK, f"project {project.name} at {project.root}")
    python = project_checks.package_layout(project) or project_checks.interpreter(project)
    yield python
    yield from project_checks.flask_env_leftovers()
    config = yield from project_checks.configuration(project, env)
    if not python.failed and config is not None:
        yield project_checks.app_builds(project, config)
    yield from project_checks.postgres(project, config)
    yield from machine.docker()
