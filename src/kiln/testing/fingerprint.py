"""What the test database's schema is built from, reduced to a short hash.

The template database is named after this hash, so editing a migration (or, in a project with no
migrations, a module of the package) makes the next session build a fresh template by itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from kiln.database.drift import source_files
from kiln.project import Project

# Bump when the way kiln builds templates changes, so old templates are rebuilt.
TEMPLATE_FORMAT = "1"


def schema_fingerprint(project: Project) -> str:
    """Ten hex digits that change whenever a file the schema is built from changes."""
    digest = hashlib.sha256(TEMPLATE_FORMAT.encode())
    for path in _schema_files(project):
        digest.update(str(path.relative_to(project.root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:10]


def _schema_files(project: Project) -> Iterator[Path]:
    if project.has_migrations:
        yield from source_files(project.migrations_dir, "*")
    elif project.package_dir.is_dir():
        yield from source_files(project.package_dir, "*.py")
    else:  # a flat layout (an adopted project's app.py, config.py beside it)
        yield from sorted(project.root.glob("*.py"))
