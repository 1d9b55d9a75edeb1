"""``python -m kiln.scenarios ENV NAME``: load a scenario into the database of ``DATABASE_URL``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln import child
from kiln.errors import UsageError
from kiln.project import find_project
from kiln.scenarios import catalog

if TYPE_CHECKING:
    from flask import Flask


def _load(app: Flask, args: list[str]) -> None:
    db = app.extensions.get("sqlalchemy")
    if db is None:
        raise UsageError(
            "the app has no Flask-SQLAlchemy extension to load a scenario with",
            where=f"the app factory ({app.import_name})",
            fix="attach it in the factory: db.init_app(app)",
        )
    catalog.load(catalog.find(find_project(), args[0]), db)


child.main(_load)
