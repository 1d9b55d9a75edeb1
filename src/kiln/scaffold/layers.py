"""A template as copier renders it: the shared layer with the template's own files over it.

Every template renders from ``templates/_shared/``: its ``project/`` files reach every project
unless a template has a file of the same path, and its ``layouts/`` are Jinja skeletons a
template's file extends (``{% extends "_shared/layouts/Dockerfile.jinja" %}``) to fill in only
the blocks that differ. copier sees one template folder, so both are copied into a temporary one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

SHARED = "_shared"
PROJECT = "project"


@contextmanager
def assembled(template: Path) -> Iterator[Path]:
    """A temporary copier template: ``template`` laid over the shared layer beside it."""
    shared = template.parent / SHARED
    with TemporaryDirectory(prefix=f"kiln-{template.name}-") as temporary:
        root = Path(temporary) / template.name
        shutil.copytree(shared, root / SHARED)
        shutil.copytree(shared / PROJECT, root / PROJECT)
        shutil.copytree(template, root, dirs_exist_ok=True)
        yield root
