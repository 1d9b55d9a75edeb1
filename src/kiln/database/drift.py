"""Missing migrations caught where the user is: ``kiln serve`` and ``kiln test`` say, in one line
before anything else, that the models and the migrations disagree (``kiln db check``'s question).

The verdict is kept in ``.kiln/migrations-verdicts.json`` under two keys, so it costs nothing
when nothing changed:

- the *sources* key, a hash of the package's ``.py`` files and of the migrations, known without
  running anything: ``kiln serve`` and pytest's header read it for the price of reading files;
- the *models* key, a hash of the models' metadata (as DDL) and of the migrations, known once the
  app is built: a test session compares its clone only when the schema the models declare changed.

A comparison stores its verdict under both, so whichever command runs next finds it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiln.database import migrations
from kiln.database.model_diff import compare, differences, flask_migrate, models_fingerprint
from kiln.postgres import EmbeddedServer
from kiln.runner import tasks

if TYPE_CHECKING:
    from flask import Flask

    from kiln.context import ProjectContext
    from kiln.postgres import Progress
    from kiln.project import Project

VERDICTS = "migrations-verdicts.json"
KEPT = 32  # verdicts remembered: switching branches back and forth finds its own again


def source_files(folder: Path, pattern: str) -> Iterator[Path]:
    """The files under ``folder`` matching ``pattern``, sorted, without bytecode caches."""
    for path in sorted(folder.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path


def sources_key(project: Project) -> str:
    """A hash of the package's Python files and of the migrations: what the models and the
    migrations are read from."""
    files = [*source_files(project.package_dir, "*.py"), *_migration_files(project)]
    return "sources:" + _digest(project.root, files)


def models_key(project: Project, models: str) -> str:
    """``models`` is ``model_diff.models_fingerprint`` of the app's Flask-Migrate."""
    return f"models:{models}:{_digest(project.root, _migration_files(project))}"


def recall(project: Project, key: str) -> list[str] | None:
    """The differences found for ``key``, if it was compared before."""
    found = _read(project).get(key)
    return found if isinstance(found, list) else None


def remember(project: Project, keys: Iterable[str], found: list[str]) -> None:
    """Keep the verdict under each key; a folder that cannot be written only costs a comparison."""
    verdicts = {k: v for k, v in _read(project).items() if k not in keys}
    verdicts.update(dict.fromkeys(keys, found))
    kept = dict(list(verdicts.items())[-KEPT:])
    path = project.state_dir / VERDICTS
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_text(json.dumps(kept, indent=1))
        temporary.replace(path)  # atomic: xdist workers may write at the same time
    except OSError:
        temporary.unlink(missing_ok=True)


def warning(found: list[str]) -> str:
    """The one line: the first difference, how many more, and the command that fixes it."""
    more = f" (and {len(found) - 1} more: kiln db check lists them)" if len(found) > 1 else ""
    return (
        f"the models and the migrations differ: {found[0]}{more}; "
        'write the migration: kiln db migrate -m "Describe the change"'
    )


def compare_with_migrations(ctx: ProjectContext, progress: Progress) -> dict[str, Any]:
    """``model_diff.compare`` on a scratch database the migrations build; the verdict is kept."""
    key = sources_key(ctx.project)
    with migrations.migrated_scratch(ctx, progress) as scratch:
        found: dict[str, Any] = tasks.call(
            scratch,
            compare,
            str(ctx.project.migrations_dir),
            failure="comparing the models with the migrations failed",
            where=f"the models of {ctx.project.factory}",
        )
    keys = (key, models_key(ctx.project, found["models"]))
    remember(ctx.project, keys, found["differences"])
    return found


def check_before_serving(ctx: ProjectContext, progress: Progress) -> None:
    """Say in one line when the models and the migrations disagree; the app is served anyway.

    Nothing runs when the package and the migrations are unchanged since a verdict; otherwise the
    app is built once to fingerprint its models, and only models no verdict covers are compared,
    on a scratch database the migrations build. Only on kiln's own server: a ``DATABASE_URL``
    server gets no scratch databases from ``kiln serve``.
    """
    if not ctx.project.has_migrations or not isinstance(ctx.server, EmbeddedServer):
        return
    key = sources_key(ctx.project)
    found = recall(ctx.project, key)
    if found is None:
        models = tasks.call(
            ctx,
            fingerprint_models,
            failure="reading the models failed",
            where=f"the models of {ctx.project.factory}",
        )
        found = recall(ctx.project, models_key(ctx.project, models))
        if found is None:
            found = compare_with_migrations(ctx, progress)["differences"]
        remember(ctx.project, (key,), found)
    if found:
        progress(warning(found))


def fingerprint_models(app: Flask, args: list[str]) -> str:
    """The task: ``model_diff.models_fingerprint`` of the app's models."""
    return models_fingerprint(flask_migrate(app))


def app_verdict(project: Project, app: Flask) -> list[str] | None:
    """In a test session: the differences between the app's models and the migrated database it
    runs on (the clone of the template: what the migrations build), from the verdicts when the
    models and the migrations are unchanged. ``None`` for a project without migrations."""
    if not project.has_migrations or "migrate" not in app.extensions:
        return None
    migrate = flask_migrate(app)
    key = models_key(project, models_fingerprint(migrate))
    found = recall(project, key)
    if found is None:
        with migrate.db.engine.connect() as connection:
            found = differences(connection, migrate)
        remember(project, (key, sources_key(project)), found)
    return found


def cached_warning(project: Project) -> str | None:
    """The warning for the current sources, when a verdict for them is kept (nothing is run)."""
    if not project.has_migrations or not (project.state_dir / VERDICTS).is_file():
        return None
    found = recall(project, sources_key(project))
    return warning(found) if found else None


def _migration_files(project: Project) -> list[Path]:
    if not project.has_migrations:
        return []
    return list(source_files(project.migrations_dir, "*"))


def _digest(root: Path, files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _read(project: Project) -> dict[str, Any]:
    try:
        verdicts = json.loads((project.state_dir / VERDICTS).read_text())
    except (OSError, ValueError):
        return {}
    return verdicts if isinstance(verdicts, dict) else {}
