"""``kiln db seed``: run the project's seed function (``[tool.kiln] seed``) on a database.

The function takes no argument and runs in the project's Python, inside the app's context; kiln
commits afterwards. It should be safe to run again (``make demo`` seeds before every serve) and
may return how many rows it added, which kiln reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.errors import UsageError
from kiln.runner import tasks

if TYPE_CHECKING:
    from flask import Flask

    from kiln.context import ProjectContext


def seed(ctx: ProjectContext) -> str:
    """Seed the context's database; what happened, in a sentence."""
    reference = ctx.project.seed
    if reference is None:
        raise UsageError(
            "the project names no seed function",
            where="pyproject.toml [tool.kiln]",
            fix='add one: seed = "yourpackage.seed:seed_db", a function that adds sample data '
            "(and returns how many rows it added)",
        )
    database = ctx.database_name
    failure = f"{reference} failed on {database}"
    added = tasks.call(ctx, run_seed_function, reference, failure=failure, where=reference)
    if added is None:
        return f"ran {reference} on {database}"
    if added == 0:
        return f"{database} already has the seed data: {reference} added nothing"
    return f"{reference} added {added} row{'s' * (added != 1)} to {database}"


def run_seed_function(app: Flask, args: list[str]) -> int | None:
    """The task: call the function, commit, pass on a count if it returned one."""
    from kiln.runner.app import function_at

    added = function_at(args[0], "seed")()
    if "sqlalchemy" in app.extensions:
        app.extensions["sqlalchemy"].session.commit()
    return added if isinstance(added, int) else None
