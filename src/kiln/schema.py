"""A database built from nothing: created, then given its tables (``kiln db recreate``, and each
``kiln scenario up``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kiln import child, migrations
from kiln.errors import KilnError
from kiln.postgres.databases import create_database, drop_database
from kiln.process import last_lines

if TYPE_CHECKING:
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
    any (as the test plugin does); the migration steps applied."""
    if ctx.project.has_migrations:
        return migrations.upgrade(ctx)
    done = child.capture(ctx, [sys.executable, "-m", "kiln.testing.create_all", ctx.config.env])
    if done.returncode != 0:
        raise KilnError(
            f"creating the tables in {ctx.database_name} failed:\n"
            f"{last_lines(done.stdout + done.stderr)}",
            where=f"db.create_all() in the app {ctx.project.factory} builds",
            fix="correct the error above, then run the command again",
        )
    return []
