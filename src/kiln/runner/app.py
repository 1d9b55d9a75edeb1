"""Build the project's Flask app by calling its factory, the way Flask's ``--app`` would."""

from __future__ import annotations

import importlib
import shlex
import sys
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from kiln.errors import KilnError, UsageError
from kiln.runner.project_errors import project_error

if TYPE_CHECKING:
    from flask import Flask

    from kiln.project import Project

_WHAT = {"app": "your application factory", "seed": "the function that adds sample data"}
_EXAMPLE = {"app": "shop:create_app", "seed": "shop.seed:seed_db"}


def create_app(project: Project, env: str) -> Flask:
    """Call ``[tool.kiln] app`` with the environment's name; say plainly why when it cannot be:
    an error in the project's own code is a ``KilnError`` naming its file and line."""
    try:
        app: Flask = function_at(project.factory, "app")(env)
    except KilnError:
        raise
    except Exception as error:
        if (reported := project_error(error, project)) is None:
            raise
        raise reported from None
    return app


def function_at(reference: str, key: str) -> Callable[..., Any]:
    """The function a ``[tool.kiln]`` ``key`` names as ``module:function``, imported."""
    module_name, _, function_name = reference.partition(":")
    where = f"pyproject.toml [tool.kiln] {key}"
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
    if not callable(function):
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
