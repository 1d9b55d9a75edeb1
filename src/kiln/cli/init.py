"""``kiln init``: adopt an existing Flask + SQLAlchemy project by writing its ``[tool.kiln]``."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from kiln.adoption.discovery import discover, made_by_kiln
from kiln.adoption.pyproject import plan, write
from kiln.adoption.versions import DEV_DEPENDENCY, framework_findings
from kiln.cli.output import echo_findings


@click.command()
@click.option("--dry-run", is_flag=True, help="Show the change to pyproject.toml; write nothing.")
def init(dry_run: bool) -> int:
    """Adopt the project in this folder: find its app, how each environment's config is chosen,
    its migrations and tests; add [tool.kiln] to pyproject.toml (nothing else is touched, nothing
    you wrote is replaced) and print what still needs your hand. Safe to run again."""
    root = Path.cwd()
    if made_by_kiln(root):
        click.echo("kiln new made this project: it is a kiln project already, nothing to adopt.")
        return 0
    adoption = discover(root)
    echo_findings([*adoption.checklist, *framework_findings(root)])
    change = plan(root, adoption)
    for key, (theirs, found) in change.kept.items():
        click.echo(f"kept your {key} = {theirs!r} (kiln found {found!r})")
    if not change.changes_anything:
        click.echo(f"\n{change.path.name}: [tool.kiln] already has all of this; nothing to add.")
        return 0
    if dry_run:
        diff = difflib.unified_diff(
            change.before.splitlines(keepends=True),
            change.after.splitlines(keepends=True),
            f"a/{change.path.name}",
            f"b/{change.path.name}",
        )
        click.echo("\n" + "".join(diff), nl=False)
        click.echo("(dry run: nothing written)")
        return 0
    write(change)
    click.echo(f"\nwrote [tool.kiln] to {change.path.name}")
    click.echo(f"next: {DEV_DEPENDENCY}, then kiln doctor, then kiln test")
    return 0
