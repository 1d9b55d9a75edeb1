"""Getting an environment's database ready before the app runs on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.database import migrations
from kiln.errors import KilnError
from kiln.masking import mask_url
from kiln.postgres.databases import database_exists

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress


def ensure_database(ctx: ProjectContext, progress: Progress) -> None:
    """Start the server if needed and create the database kiln provides (a ``DATABASE_URL``'s
    database is its owner's to create)."""
    ctx.server.up(progress)
    if ctx.server.ensure_database(ctx.database_name):
        progress(f"created database {ctx.database_name}")
    elif ctx.server.mode == "external" and not database_exists(ctx.server, ctx.database_name):
        raise KilnError(
            f"the database {ctx.database_name} does not exist on DATABASE_URL's server",
            where=f"DATABASE_URL={mask_url(ctx.database_url)}",
            fix="create it: kiln db create (or with that server's own tools), or correct the "
            "database name in DATABASE_URL",
        )


def prepare_database(ctx: ProjectContext, progress: Progress) -> None:
    """Start the server if needed, create the environment's database, apply the migrations."""
    ensure_database(ctx, progress)
    if ctx.project.has_migrations:
        for step in migrations.upgrade(ctx):
            progress(f"migrated {ctx.database_name}: {step}")
