"""How the models differ from a database: the task behind ``kiln db check``, and the comparison
a test session makes on its clone of the migrated template.

Runs in the project's Python on a database the migrations just built, so the differences are
those between the models and the migrations. Alembic's autogenerate comparison does the work,
with the options the app gave ``Migrate(...)``; kiln only words each difference plainly.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from kiln.errors import UsageError

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Connection

IN_MODELS = "in the models, no migration"
IN_MIGRATIONS = "made by the migrations, no model has it"


def compare(app: Flask, args: list[str]) -> dict[str, Any]:
    """The differences in words, the migrations' heads and revisions (newest first), and the
    fingerprint of the models they were found for."""
    from alembic.script import ScriptDirectory

    migrate = flask_migrate(app)
    with migrate.db.engine.connect() as connection:
        found = differences(connection, migrate)
    script = ScriptDirectory.from_config(migrate.migrate.get_config(args[0]))
    return {
        "differences": found,
        "heads": list(script.get_heads()),
        "revisions": [revision.revision for revision in script.walk_revisions()],
        "models": models_fingerprint(migrate),
    }


def flask_migrate(app: Flask) -> Any:
    """The app's Flask-Migrate state (its ``db`` and the options given to ``Migrate(...)``)."""
    migrate = app.extensions.get("migrate")
    if migrate is None:
        raise UsageError(
            "the app has migrations but no Flask-Migrate, so Alembic cannot see its models",
            where=f"the app factory ({app.import_name})",
            fix="attach it in the factory: migrate.init_app(app, db)",
        )
    return migrate


def differences(connection: Connection, migrate: Any) -> list[str]:
    """How the models differ from the database on ``connection``, one line per difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection, opts=dict(migrate.configure_args))
    found = compare_metadata(context, migrate.db.metadata)
    return [line for diff in found for line in describe(diff)]


def models_fingerprint(migrate: Any) -> str:
    """A hash of the schema the models declare, as PostgreSQL DDL, and of the options Alembic
    compares with: equal fingerprints, equal verdicts against the same migrations."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = postgresql.dialect()
    digest = hashlib.sha256()
    for table in migrate.db.metadata.sorted_tables:
        indexes = sorted(table.indexes, key=lambda index: index.name or "")
        parts = [
            str(CreateTable(table).compile(dialect=dialect)),
            *(str(CreateIndex(index).compile(dialect=dialect)) for index in indexes),
            repr([table.comment, *(column.comment for column in table.columns)]),
        ]
        digest.update("\0".join(parts).encode() + b"\0")
    options = migrate.configure_args.items()
    plain = sorted((k, v) for k, v in options if isinstance(v, bool | int | str | None))
    digest.update(repr(plain).encode())
    return digest.hexdigest()[:16]


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
