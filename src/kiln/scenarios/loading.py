"""Loading a scenario inside the app: the task behind ``kiln scenario up``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.errors import UsageError
from kiln.project import find_project
from kiln.scenarios import catalog

if TYPE_CHECKING:
    from flask import Flask


def load_scenario(app: Flask, args: list[str]) -> None:
    """The task: load scenario ``args[0]`` into the app's database and commit."""
    db = app.extensions.get("sqlalchemy")
    if db is None:
        raise UsageError(
            "the app has no Flask-SQLAlchemy extension to load a scenario with",
            where=f"the app factory ({app.import_name})",
            fix="attach it in the factory: db.init_app(app)",
        )
    catalog.load(catalog.find(find_project(), args[0]), db)
