"""``kiln build`` and ``kiln compose``: Docker, checked first so its absence is a plain message."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.containers import build_image, default_tag, run_compose
from kiln.project import find_project

PASSTHROUGH = {"ignore_unknown_options": True, "allow_interspersed_args": False}


@click.command()
@click.option(
    "--tag",
    "-t",
    "tags",
    multiple=True,
    metavar="NAME[:TAG]",
    help="Name the image; repeat for several.  [default: NAME:VERSION from pyproject.toml]",
)
@click.argument("docker_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- DOCKER_ARGS]...")
def build(tags: tuple[str, ...], docker_args: tuple[str, ...]) -> int:
    """Build the production image from the Dockerfile (needs a Docker engine).

    Arguments after -- go to docker build, e.g. kiln build -- --platform linux/amd64.
    """
    project = find_project()
    tags = tags or (default_tag(project),)
    code = build_image(project, tags, docker_args)
    if code == 0:
        click.echo(f"kiln: built {', '.join(tags)}; run it with:", err=True)
        click.echo(
            f"  docker run --rm -p 8000:8000 -e DATABASE_URL=... -e SECRET_KEY=... {tags[0]}",
            err=True,
        )
    return code


@click.command(context_settings=PASSTHROUGH, add_help_option=False)
@env_option
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def compose(env: str | None, args: tuple[str, ...]) -> int:
    """Run docker compose with the environment's settings exported: kiln compose up --build."""
    return run_compose(env, args)
