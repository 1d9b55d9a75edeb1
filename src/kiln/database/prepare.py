"""Getting an environment's database ready before the app runs on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.database import migrations

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress


def ensure_database(ctx: ProjectContext, progress: Progress) -> None:
    """Start the server if needed and create the database kiln provides (a ``DATABASE_URL``'s
    database is its owner's to create)."""
    ctx.server.up(progress)
    if ctx.server.ensure_database(ctx.database_name):
        progress(f"created database {ctx.database_name}")


def prepare_database(ctx: ProjectContext, progress: Progress) -> None:
    """Start the server if needed, create the environment's database, apply the migrations."""
    ensure_database(ctx, progress)
    if ctx.project.has_migrations:
        for step in migrations.upgrade(ctx):
            progress(f"migrated {ctx.database_name}: {step}")
