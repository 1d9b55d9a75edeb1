"""``kiln generate resource`` from start to end: plan, write, migrate, tidy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.database import migrations
from kiln.errors import KilnError
from kiln.generate.inventory import take_inventory
from kiln.generate.resource import Plan, apply_plan, plan_resource
from kiln.generate.spec import Resource
from kiln.postgres.databases import database_exists
from kiln.runner.commands import capture, python_argv

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress

ANSWERS = ".copier-answers.yml"
_MARKER = re.compile(r"# ### .* ###")


def generate_resource(
    ctx: ProjectContext, resource: Resource, *, dry_run: bool, progress: Progress
) -> tuple[Plan, Path | None]:
    """Add ``resource`` to the project; with ``dry_run``, only say what would be written.

    Returns the plan and the migration written (``None`` on a dry run).
    """
    _require_api_project(ctx.project.root)
    plan = plan_resource(ctx.project, resource, take_inventory(ctx))
    if dry_run:
        return plan, None
    formatted = [path for path in plan.changed_files if _ruff(ctx, "format", "--check", path)]
    apply_plan(plan)
    for path in plan.changed_files:
        _ruff(ctx, "check", "--select", "I", "--fix", path)  # the imports added, sorted in
    _ruff(ctx, "check", "--fix", *plan.new_files)
    _ruff(ctx, "format", *plan.new_files, *formatted)
    progress(f"writing the migration: kiln db migrate -m 'Add the {resource.plural}'")
    found = migrations.autogenerate(ctx, f"Add the {resource.plural}", progress)
    if found.path is not None:
        _without_alembic_markers(found.path)
        _ruff(ctx, "check", "--fix", "--select", "I,F401,UP", found.path)
        _ruff(ctx, "format", found.path)
        # The environment's database follows, so kiln db check stays clean; one not made yet
        # gets every migration when kiln serve (or kiln db up) creates it.
        if database_exists(ctx.server, ctx.database_name):
            for step in migrations.upgrade(ctx):
                progress(f"migrated {ctx.database_name}: {step}")
    return plan, found.path


def _without_alembic_markers(migration: Path) -> None:
    """Alembic's "please adjust!" comments go: kiln wrote the models, and the tests ran it."""
    lines = migration.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not _MARKER.fullmatch(line.strip())]
    migration.write_text("".join(kept), encoding="utf-8")


def _require_api_project(root: Path) -> None:
    answers = root / ANSWERS
    text = answers.read_text(encoding="utf-8") if answers.is_file() else ""
    if "kiln_template: api" not in text:
        raise KilnError(
            "kiln generate resource adds to projects made from the api template, and this one "
            f"has no {ANSWERS} saying it was",
            where=str(answers),
            fix="run it in a project made by kiln new --template api",
        )


def _ruff(ctx: ProjectContext, *args: str | Path) -> bool:
    """Run the project's ruff (its dev extra has it); whether it succeeded. Without ruff, the
    code is as the templates wrote it, which is valid, only perhaps less tidy."""
    done = capture(ctx, python_argv(ctx, "-m", "ruff", *map(str, args)))
    return done.returncode == 0
