"""How the models differ from a database: the task behind ``kiln db check``.

Runs in the project's Python on a database the migrations just built, so the differences are
those between the models and the migrations. Alembic's autogenerate comparison does the work,
with the options the app gave ``Migrate(...)``; kiln only words each difference plainly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiln.errors import UsageError

if TYPE_CHECKING:
    from flask import Flask

IN_MODELS = "in the models, no migration"
IN_MIGRATIONS = "made by the migrations, no model has it"


def compare(app: Flask, args: list[str]) -> dict[str, list[str]]:
    """The differences in words, and the migrations' heads and revisions (newest first)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    migrate = app.extensions.get("migrate")
    if migrate is None:
        raise UsageError(
            "the app has migrations but no Flask-Migrate, so Alembic cannot see its models",
            where=f"the app factory ({app.import_name})",
            fix="attach it in the factory: migrate.init_app(app, db)",
        )
    with migrate.db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=dict(migrate.configure_args))
        differences = compare_metadata(context, migrate.db.metadata)
    script = ScriptDirectory.from_config(migrate.migrate.get_config(args[0]))
    return {
        "differences": [line for diff in differences for line in describe(diff)],
        "heads": list(script.get_heads()),
        "revisions": [revision.revision for revision in script.walk_revisions()],
    }


def describe(diff: Any) -> list[str]:
    """One line per difference; Alembic groups the changes to one column in a list."""
    if isinstance(diff, list):
        return [line for change in diff for line in describe(change)]
    return [_sentence(*diff)]


def _sentence(kind: str, *args: Any) -> str:
    match kind, args:
        case "add_table", (table,):
            return f"table {_table(table)}: {IN_MODELS} creates it"
        case "remove_table", (table,):
            return f"table {_table(table)}: {IN_MIGRATIONS}"
        case "add_column", (schema, table, column):
            where = f"{_name(schema, table)}.{column.name}"
            return f"column {where} ({_type(column)}): {IN_MODELS} adds it"
        case "remove_column", (schema, table, column):
            return f"column {_name(schema, table)}.{column.name}: {IN_MIGRATIONS}"
        case (("add_index" | "add_constraint" | "add_fk"), (item,)):
            return f"{_constraint(item)}: {IN_MODELS} creates it"
        case (("remove_index" | "remove_constraint" | "remove_fk"), (item,)):
            return f"{_constraint(item)}: {IN_MIGRATIONS}"
        case "modify_type", (schema, table, column, _, old, new):
            return _changed(schema, table, column, f"type {old}", f"type {new}")
        case "modify_nullable", (schema, table, column, _, old, new):
            return _changed(schema, table, column, _null(old), _null(new))
        case "modify_default", (schema, table, column, _, old, new):
            before, after = (f"server default {_default(value)}" for value in (old, new))
            return _changed(schema, table, column, before, after)
    return f"{kind.replace('_', ' ')}: {', '.join(map(str, args))}"


def _changed(schema: str | None, table: str, column: str, before: str, after: str) -> str:
    where = f"{_name(schema, table)}.{column}"
    return f"column {where}: {before} after the migrations, {after} in the models"


def _name(schema: str | None, table: str) -> str:
    return f"{schema}.{table}" if schema else table


def _table(table: Any) -> str:
    return _name(table.schema, table.name)


def _type(column: Any) -> str:
    return f"{column.type}{'' if column.nullable else ', NOT NULL'}"


def _null(nullable: bool) -> str:
    return "nullable" if nullable else "NOT NULL"


def _default(default: Any) -> str:
    """A server default as SQL: ``now()``, ``'x'``; ``none`` when there is none."""
    if default is None:
        return "none"
    value = getattr(default, "arg", default)
    return str(getattr(value, "text", value))


def _constraint(item: Any) -> str:
    """``unique constraint uq_users_email on users (email)`` and the like."""
    kinds = {
        "Index": "unique index" if getattr(item, "unique", False) else "index",
        "UniqueConstraint": "unique constraint",
        "ForeignKeyConstraint": "foreign key",
        "CheckConstraint": "check constraint",
        "PrimaryKeyConstraint": "primary key",
    }
    kind = kinds.get(type(item).__name__, "constraint")
    columns = ", ".join(column.name for column in item.columns)
    return f"{kind} {item.name or '(unnamed)'} on {_table(item.table)} ({columns})"
