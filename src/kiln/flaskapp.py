"""Build the project's Flask app by calling its factory, the way Flask's ``--app`` would."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from kiln.errors import UsageError

if TYPE_CHECKING:
    from flask import Flask

    from kiln.project import Project


def create_app(project: Project, env: str) -> Flask:
    """Call ``[tool.kiln] app`` with the environment's name; say plainly why when it cannot be."""
    module_name, _, function_name = project.factory.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise UsageError(
                f"cannot import {module_name!r}: it is not installed in this Python",
                where="pyproject.toml [tool.kiln] app",
                fix="install the project into the active virtualenv: pip install -e '.[dev]'"
                " (then `kiln doctor` checks the rest)",
            ) from None
        raise
    factory = getattr(module, function_name, None)
    if not callable(factory):
        raise UsageError(
            f"{module_name} has no function {function_name!r}",
            where="pyproject.toml [tool.kiln] app",
            fix='point app at your application factory, e.g. app = "shop:create_app"',
        )
    return factory(env)
