"""``kiln update``: bring the project up to this kiln's template, keeping your changes."""

from __future__ import annotations

from pathlib import Path

import click

from kiln.cli.output import progress
from kiln.project import find_project
from kiln.scaffold import snapshot
from kiln.scaffold.update import Update, apply_update, plan_update, run_check, undo_command

_SECTIONS = (
    ("added", "new in the template"),
    ("updated", "updated (you had not changed them)"),
    ("merged", "merged with your changes"),
    ("removed", "removed (gone from the template, unchanged here)"),
    ("kept", "left deleted (you deleted them; the template changed them)"),
    ("conflicts", "CONFLICTS: both changed the same lines; settle the <<<<<<< markers"),
)


@click.command()
@click.option("--dry-run", is_flag=True, help="Show the diff it would apply; write nothing.")
@click.option(
    "--base",
    metavar="COMMIT",
    help="The commit holding the project as kiln new made it, for a project with no recorded "
    "render (refs/kiln/template).",
)
@click.option(
    "--checks/--no-checks",
    default=True,
    help="Run kiln test and kiln db check afterwards.  [default: --checks]",
)
def update(dry_run: bool, base: str | None, checks: bool) -> int:
    """Merge the changes of this kiln's template into the project, keeping yours.

    A three-way merge of each file: the template as it made the project, the project now, and
    the template today with the same answers. Needs a clean git tree, so it can be undone.
    """
    root = find_project().root
    found = plan_update(root, base)
    if not found.changed:
        click.echo("Up to date: the template has no change this project lacks.")
        return 0
    if dry_run:
        click.echo("".join(found.diff), nl=False)
        _summary(found, root, "Would change (--dry-run: nothing written):")
        return 0
    undo = undo_command(snapshot.previous(root))
    apply_update(root, found)
    _summary(found, root, "Updated:")
    if found.conflicts:
        progress("Settle the conflicts, then run kiln test and kiln db check.")
        return 1
    if not checks:
        return 0
    progress("running kiln test and kiln db check, to tell whether the update is safe to commit")
    tested = run_check(root, "test")
    checked = run_check(root, "db", "check")
    click.echo(f"\nkiln test: {'passed' if tested else 'FAILED'}")
    click.echo(f"kiln db check: {'clean' if checked else 'FAILED'}")
    if tested and checked:
        click.echo("The update is safe to commit: review it with git diff, then commit it.")
        return 0
    progress(
        "The update is not safe to commit as it is: something fails. Fix it, or undo the update "
        f"with: {undo}"
    )
    return 1


def _summary(found: Update, root: Path, title: str) -> None:
    click.echo(title)
    for attribute, heading in _SECTIONS:
        names = getattr(found, attribute)
        if names:
            click.echo(f"  {heading}:")
            for name in names:
                click.echo(f"    {name}")
