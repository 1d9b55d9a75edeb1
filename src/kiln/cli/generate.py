"""``kiln generate resource``: a model, its migration, schemas, endpoints, tests and scenario."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.cli.output import progress
from kiln.context import load_context
from kiln.generate import ACCESS_RULES, parse_resource
from kiln.generate.run import generate_resource


@click.group()
def generate() -> None:
    """Add code to an api project, written as the template writes it."""


@generate.command()
@click.argument("name")
@click.argument("fields", nargs=-1, metavar="FIELD:TYPE...")
@click.option(
    "--access",
    type=click.Choice(ACCESS_RULES),
    default="owner",
    show_default=True,
    help="owner: each user their own rows (as /todos); admin: admins only; "
    "public-read: anyone reads, admins write.",
)
@click.option("--plural", help="The table, URL and module name.  [default: NAME's plural]")
@click.option("--dry-run", is_flag=True, help="List the files it would write; write nothing.")
@env_option
def resource(
    name: str,
    fields: tuple[str, ...],
    access: str,
    plural: str | None,
    dry_run: bool,
    env: str | None,
) -> None:
    """Add the resource NAME (a model like Article) with its FIELD:TYPE fields.

    TYPE is str (str:80 for a length), text, int, bool, decimal, date, datetime, uuid, json, or
    a model of models.py for a reference (owner:User, article:Article). Add ? for nullable, !
    for unique: slug:str!, due:date?.
    """
    wanted = parse_resource(name, list(fields), access, plural)
    ctx = load_context(env)
    plan, migration = generate_resource(ctx, wanted, dry_run=dry_run, progress=progress)
    root = ctx.project.root
    if dry_run:
        click.echo("Would write (--dry-run: nothing written):")
        for line in plan.paths(root):
            click.echo(f"  {line}")
        click.echo(f"  new      migrations/versions/<revision>_add_the_{wanted.plural}.py")
        return
    for line in plan.paths(root):
        click.echo(f"  {line}")
    if migration is not None:
        click.echo(
            f"  new      {migration.relative_to(root) if migration.is_absolute() else migration}"
        )
    click.echo(f"\nAdded {wanted.model} at /{wanted.plural}. Next: kiln test.")
