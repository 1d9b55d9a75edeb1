"""What the project's app already has, so that a new resource clashes with none of it, and can
refer to its models.

A task run in the project's own Python (``runner.tasks``): only the built app knows its models,
tables, columns and routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiln.runner import tasks

if TYPE_CHECKING:
    from flask import Flask

    from kiln.context import ProjectContext

# SQLAlchemy's column types, by class name, as the field types of `kiln generate resource`.
_KINDS = {
    "String": "str",
    "Unicode": "str",
    "Text": "text",
    "UnicodeText": "text",
    "Integer": "int",
    "BigInteger": "int",
    "SmallInteger": "int",
    "Boolean": "bool",
    "Numeric": "decimal",
    "Date": "date",
    "DateTime": "datetime",
    "Uuid": "uuid",
    "UUID": "uuid",
    "JSON": "json",
    "JSONB": "json",
}


@dataclass(frozen=True)
class Column:
    """A column a new row must be given: no default fills it, and it may not be null."""

    name: str
    kind: str  # a field type of spec.TYPES, or "" when kiln does not know the column's type
    target: str = ""  # for a foreign key: the model it refers to
    relationship: str = ""  # for a foreign key: the many-to-one relationship that sets it


@dataclass(frozen=True)
class Model:
    """A model of the app: where it is defined, its table, and what a new row needs."""

    name: str
    module: str
    table: str
    required: tuple[Column, ...]
    owned: bool  # each row is a user's (owner_id), as the todos: another user's is not yours


@dataclass(frozen=True)
class Inventory:
    models: dict[str, Model]
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
    models = {
        name: Model(
            name,
            model["module"],
            model["table"],
            tuple(Column(**column) for column in model["required"]),
            model["owned"],
        )
        for name, model in found.pop("models").items()
    }
    return Inventory(models=models, **found)


def list_parts(app: Flask, args: list[str]) -> dict[str, Any]:
    """The task: the app's models (with the columns a new row needs), tables, URL rules and
    blueprints."""
    database = app.extensions["sqlalchemy"]
    mappers = list(database.Model.registry.mappers)
    models_of_tables = {mapper.local_table.name: mapper.class_.__name__ for mapper in mappers}
    return {
        "models": {
            mapper.class_.__name__: {
                "module": mapper.class_.__module__,
                "table": getattr(mapper.class_, "__tablename__", ""),
                "required": _required_columns(mapper, models_of_tables),
                "owned": any(
                    models_of_tables.get(foreign.column.table.name) == "User"
                    for foreign in getattr(
                        mapper.local_table.columns.get("owner_id"), "foreign_keys", ()
                    )
                ),
            }
            for mapper in mappers
        },
        "tables": sorted(database.metadata.tables),
        "rules": sorted(rule.rule for rule in app.url_map.iter_rules()),
        "blueprints": sorted(app.blueprints),
    }


def _required_columns(mapper: Any, models_of_tables: dict[str, str]) -> list[dict[str, str]]:
    """The columns a new row of ``mapper`` must be given, in their order."""
    setters = {
        next(iter(relationship.local_columns)).name: relationship.key
        for relationship in mapper.relationships
        if relationship.direction.name == "MANYTOONE" and len(relationship.local_columns) == 1
    }
    required = []
    for column in mapper.local_table.columns:
        if column.nullable or column.primary_key or column.default or column.server_default:
            continue
        key = mapper.get_property_by_column(column).key
        foreign = next(iter(column.foreign_keys), None)
        target = models_of_tables.get(foreign.column.table.name, "?") if foreign else ""
        required.append(
            {
                "name": key,
                "kind": "" if foreign else _KINDS.get(type(column.type).__name__, ""),
                "target": target,
                "relationship": setters.get(column.name, ""),
            }
        )
    return required
