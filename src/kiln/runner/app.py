"""Build the project's Flask app by calling its factory, the way Flask's ``--app`` would."""

from __future__ import annotations

import importlib
import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from kiln.errors import KilnError, UsageError
from kiln.runner.project_errors import project_error

if TYPE_CHECKING:
    from flask import Flask

    from kiln.project import Project

_WHAT = {
    "app": "your application factory (or the app a module builds)",
    "seed": "the function that adds sample data",
    "config": "the configuration object the factory takes",
}
_EXAMPLE = {"app": "shop:create_app", "seed": "shop.seed:seed_db", "config": "shop.config:Test"}


def create_app(project: Project, env: str) -> Flask:
    """Build the app the way ``[tool.kiln]`` says: ``factory("<env>")`` in a project kiln made, the
    environment's recipe in an adopted one, or the app a module builds at import. Say plainly why
    when it cannot be: an error in the project's own code is a ``KilnError`` naming its file and
    line, and the recipe that chose the call."""
    recipe = project.recipe(env)
    try:
        target = function_at(project.factory, "app")
        if _is_app(target):
            return target  # type: ignore[return-value]
        argument = function_at(recipe.config, "config") if recipe.config else recipe.argument
        arguments = [] if recipe.argument is None and recipe.config is None else [argument]
        keywords = {recipe.keyword: arguments.pop()} if recipe.keyword and arguments else {}
        app: Flask = target(*arguments, **keywords)
    except KilnError:
        raise
    except Exception as error:
        if (reported := project_error(error, project)) is None:
            raise
        if project.adopted:
            chosen = f"pyproject.toml [tool.kiln.environments] {env}"
            reported.problems = tuple(
                replace(
                    p, what=f"{p.what}\n    built as {recipe.describe(project.factory)} ({chosen})"
                )
                for p in reported.problems
            )
        raise reported from None
    return app


def project_app(env: str) -> Flask:
    """``flask --app "kiln.runner.app:project_app('<env>')"``: the app of the project in the
    working folder, built by its recipe (an adopted project's factory may take a config class,
    which ``--app`` cannot pass)."""
    from kiln.postgres.variables import match_installed_driver
    from kiln.project import find_project

    match_installed_driver(os.environ)
    return create_app(find_project(), env)


def _is_app(target: object) -> bool:
    """A Flask app built at import (``app = create_app()`` in ``wsgi.py``), not a factory."""
    return any(cls.__name__ == "Flask" for cls in type(target).__mro__)


def function_at(reference: str, key: str) -> Callable[..., Any]:
    """The function a ``[tool.kiln]`` ``key`` names as ``module:function``, imported."""
    module_name, _, function_name = reference.partition(":")
    where = f"pyproject.toml [tool.kiln{'.environments' if key == 'config' else ''}] {key}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise UsageError(
                f"cannot import {module_name!r}: it is not installed in {sys.executable}",
                where=where,
                fix=f"install the project there: {shlex.quote(sys.executable)} -m pip install -e "
                "'.[dev]' (then `kiln doctor` checks the rest)",
            ) from None
        raise
    function = getattr(module, function_name, None)
    if function is None or (key != "config" and not callable(function)):
        raise UsageError(
            f"{module_name} has no function {function_name!r}",
            where=where,
            fix=f'point {key} at {_WHAT[key]}, e.g. {key} = "{_EXAMPLE[key]}"',
        )
    return function


def import_reference(reference: str) -> Callable[..., Any]:
    """The object ``module:qualified.name`` names (kiln's own tasks, so no user-facing message)."""
    module_name, _, qualname = reference.partition(":")
    found: Callable[..., Any] = attrgetter(qualname)(importlib.import_module(module_name))
    return found
