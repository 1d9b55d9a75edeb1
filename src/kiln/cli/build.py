"""``kiln build``: the production image, Docker checked first so its absence is a plain message."""

from __future__ import annotations

import click

from kiln.containers import build_image, default_tag
from kiln.project import find_project


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
