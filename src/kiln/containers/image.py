"""``kiln build``: the project's production image, from its Dockerfile."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence

from kiln.containers.engine import require_engine
from kiln.errors import UsageError
from kiln.project import PYPROJECT, Project
from kiln.runner.process import run_child

DOCKERFILE = "Dockerfile"
# A tag allows letters, digits, _ . and -; a PEP 440 version may hold others (1.0+local).
_NOT_IN_TAG = re.compile(r"[^\w.-]")


def default_tag(project: Project) -> str:
    """``name:version`` from pyproject.toml (``shop:0.1.0``); just ``name`` without a version."""
    name = project.name.lower()
    data = tomllib.loads((project.root / PYPROJECT).read_text(encoding="utf-8"))
    version = data.get("project", {}).get("version")
    return f"{name}:{_NOT_IN_TAG.sub('-', version)}" if isinstance(version, str) else name


def build_image(project: Project, tags: Sequence[str], docker_args: Sequence[str]) -> int:
    """Run ``docker build`` in the project's folder; its exit code, or a ``KilnError`` first."""
    if not (project.root / DOCKERFILE).is_file():
        raise UsageError(
            f"no {DOCKERFILE} in {project.root}",
            where="kiln build",
            fix="kiln new writes one; copy it from a new project (kiln new NAME), "
            "or write your own",
        )
    docker = require_engine()
    argv = [docker, "build", *(f"--tag={tag}" for tag in tags), *docker_args, "."]
    return run_child(argv, env=os.environ, cwd=project.root)
