"""The project's scenarios: ``scenarios/NAME.py`` modules, each with ``def load(db) -> None``.

``load`` receives the app's Flask-SQLAlchemy extension, inside the app's context, and adds rows;
kiln commits afterwards. Scenarios written before kiln may define ``run()`` instead (with or
without the ``db`` parameter), which is called the same way. A scenario is Python rather than a
data file so that it can use the models, their defaults and relationships, and compute values
(dates relative to today).
Files starting with ``_`` are helpers, not scenarios.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.errors import UsageError

if TYPE_CHECKING:
    from flask_sqlalchemy import SQLAlchemy

    from kiln.project import Project

FUNCTION = "load"
OTHER_FUNCTION = "run"  # what scenarios written before kiln often call it
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_HOW = "def load(db) -> None, which adds rows with db.session (kiln commits)"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path

    @property
    def description(self) -> str:
        """The first line of the module's docstring, read without running the module."""
        try:
            docstring = ast.get_docstring(ast.parse(self.path.read_bytes()))
        except SyntaxError as error:
            return f"(cannot be read: {error.msg}, line {error.lineno})"
        return docstring.strip().splitlines()[0] if docstring else ""


def available(project: Project) -> list[Scenario]:
    """Every scenario in ``scenarios/``, by name."""
    folder = project.scenarios_dir
    paths = sorted(folder.glob("*.py")) if folder.is_dir() else []
    return [Scenario(path.stem, path) for path in paths if not path.name.startswith("_")]


def find(project: Project, name: str) -> Scenario:
    """The scenario called ``name``, or a ``UsageError`` that lists the ones there are."""
    check_name(name)
    scenarios = available(project)
    for scenario in scenarios:
        if scenario.name == name:
            return scenario
    names = ", ".join(scenario.name for scenario in scenarios) or "none yet"
    raise UsageError(
        f"no scenario named {name!r} (available: {names})",
        where=f"{project.scenarios_dir}/{name}.py",
        fix=f"use one of those, or create that file with {_HOW}",
    )


def check_name(name: str) -> None:
    """Scenario names end up in database names, so they stay plain."""
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"{name!r} is not a scenario name: use lowercase letters, digits and _",
            where=f"scenarios/{name}.py",
            fix="rename it, e.g. two_users_and_admin",
        )


def load(scenario: Scenario, db: SQLAlchemy) -> None:
    """Run the scenario's ``load(db)`` in the current app context, then commit."""
    function = _function(scenario.path)
    if inspect.signature(function).parameters:
        function(db)
    else:
        function()
    db.session.commit()


@functools.cache
def _function(path: Path) -> Callable[..., None]:
    """The module's ``load`` (or ``run``); each module runs once per process, however many tests
    use it."""
    namespace = runpy.run_path(str(path), run_name=f"scenarios.{path.stem}")
    function = namespace.get(FUNCTION) or namespace.get(OTHER_FUNCTION)
    if not callable(function):
        raise UsageError(
            f"{path.name} has no function {FUNCTION}(db) (or {OTHER_FUNCTION}())",
            where=str(path),
            fix=f"define {_HOW}",
        )
    return function
