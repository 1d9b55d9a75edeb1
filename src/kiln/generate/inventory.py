"""What the project's app already has, so that a new resource clashes with none of it.

A task run in the project's own Python (``runner.tasks``): only the built app knows its models,
tables and routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiln.runner import tasks

if TYPE_CHECKING:
    from flask import Flask

    from kiln.context import ProjectContext


@dataclass(frozen=True)
class Inventory:
    models: dict[str, str]  # class name -> table
    tables: list[str]
    rules: list[str]
    blueprints: list[str]


def take_inventory(ctx: ProjectContext) -> Inventory:
    found = tasks.call(
        ctx,
        list_parts,
        failure="could not build the app to see its models and routes",
        where=f"the app factory {ctx.project.factory}",
    )
    return Inventory(**found)


def list_parts(app: Flask, args: list[str]) -> dict[str, Any]:
    """The task: the app's models, tables, URL rules and blueprints."""
    database = app.extensions["sqlalchemy"]
    return {
        "models": {
            mapper.class_.__name__: getattr(mapper.class_, "__tablename__", "")
            for mapper in database.Model.registry.mappers
        },
        "tables": sorted(database.metadata.tables),
        "rules": sorted(rule.rule for rule in app.url_map.iter_rules()),
        "blueprints": sorted(app.blueprints),
    }
