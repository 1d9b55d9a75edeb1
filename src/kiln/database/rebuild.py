"""A database built from nothing: created, then given its tables (``kiln db recreate``, each
``kiln scenario up``, and the test template)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.database import migrations
from kiln.postgres.databases import create_database, drop_database
from kiln.runner import tasks

if TYPE_CHECKING:
    from flask import Flask

    from kiln.context import ProjectContext
    from kiln.postgres import Progress


def rebuild(ctx: ProjectContext, progress: Progress) -> None:
    """Drop the context's database if it exists (ending its sessions), create it, build it."""
    name = ctx.database_name
    if drop_database(ctx.server, name, force=True):
        progress(f"dropped {name}")
    create_database(ctx.server, name)
    progress(f"created {name}")
    for step in build(ctx):
        progress(f"migrated {name}: {step}")


def build(ctx: ProjectContext) -> list[str]:
    """Give an empty database its tables: the migrations, or ``create_all`` for a project without
    any; the migration steps applied."""
    if ctx.project.has_migrations:
        return migrations.upgrade(ctx)
    tasks.call(
        ctx,
        create_tables,
        ctx.database_name,
        failure=f"creating the tables in {ctx.database_name} failed",
        where=f"db.create_all() in the app {ctx.project.factory} builds",
    )
    return []


def create_tables(app: Flask, args: list[str]) -> None:
    """The task: every table the models define, for a project that has no migrations, in the
    database ``args[0]``; refused when the app's URL points elsewhere (a SQLite file)."""
    from kiln.postgres.variables import other_database
    from kiln.project import find_project

    extension = app.extensions["sqlalchemy"]
    url = extension.engine.url
    if url.get_backend_name() != "postgresql" or url.database != args[0]:
        shown = url.render_as_string(hide_password=True)
        raise other_database(find_project(), shown, args[0])
    extension.create_all()
