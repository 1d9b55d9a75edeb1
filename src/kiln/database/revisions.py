"""Which migrations a command applied or undid: the revisions the database records before and
after it, and the path between them in the migration scripts' revision graph.

Alembic's log is not read: a project's ``alembic.ini`` may send it to stdout, configure none, or
word it differently from one Alembic release to the next. The scripts are parsed, never run
(``revision``, ``down_revision``, ``depends_on`` and the docstring are plain module-level values in
every script Alembic writes), so no second process builds the app and any Alembic or
Flask-Migrate version the project has gives the same report.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiln.context import ProjectContext

VERSION_TABLE = "alembic_version"
BASE = "base"


def recorded(ctx: ProjectContext) -> frozenset[str]:
    """The revisions the context's database records as applied (none before the first).

    Alembic's table is found in the current schema, else in the schema an ``env.py`` gave it
    (``version_table_schema``)."""
    from psycopg import sql

    with ctx.server.connect(ctx.database_name) as connection:
        found = connection.execute(
            "SELECT schemaname FROM pg_tables WHERE tablename = %s "
            "ORDER BY schemaname = current_schema() DESC, schemaname LIMIT 1",
            (VERSION_TABLE,),
        ).fetchone()
        if found is None:
            return frozenset()
        table = sql.Identifier(found[0], VERSION_TABLE)
        rows = connection.execute(sql.SQL("SELECT version_num FROM {}").format(table)).fetchall()
    return frozenset(revision for (revision,) in rows)


@dataclass(frozen=True)
class Revision:
    """One migration script: its revision, the ones it follows, and its message."""

    id: str
    down: tuple[str, ...]
    depends_on: tuple[str, ...]
    message: str

    def step(self, upgrade: bool) -> str:
        """Alembic's words for it: ``base -> 0001, Create the notes table.`` (reversed down)."""
        below = ", ".join(self.down) or BASE
        line = f"{below} -> {self.id}" if upgrade else f"{self.id} -> {below}"
        return f"{line}, {self.message}" if self.message else line


class RevisionGraph:
    """The migration scripts of a project, by revision."""

    def __init__(self, revisions: list[Revision]) -> None:
        self.revisions = {revision.id: revision for revision in revisions}

    @classmethod
    def read(cls, versions_dir: Path) -> RevisionGraph:
        return cls([r for path in sorted(versions_dir.glob("*.py")) if (r := parse_script(path))])

    @property
    def heads(self) -> frozenset[str]:
        """The revisions no other follows (one, unless the migrations branched)."""
        below = {down for revision in self.revisions.values() for down in revision.down}
        return frozenset(self.revisions.keys() - below)

    def steps(self, before: frozenset[str], after: frozenset[str]) -> list[str]:
        """The steps that took a database from ``before`` to ``after``, in the order they ran:
        those undone (in ``before``'s history only), newest first, then those applied (in
        ``after``'s only), oldest first. A revision the scripts do not know (a script deleted
        since) leaves one line, ``before -> after``."""
        if before == after:
            return []
        if not (before | after) <= self.revisions.keys():
            return [transition(before, after)]
        old, new = self._history(before), self._history(after)
        undone = reversed(self._ordered(old - new))  # newest first
        applied = self._ordered(new - old)  # oldest first
        return [self.revisions[r].step(upgrade=False) for r in undone] + [
            self.revisions[r].step(upgrade=True) for r in applied
        ]

    def _history(self, tips: frozenset[str]) -> set[str]:
        """``tips`` and every revision they need (down the graph, dependencies included)."""
        seen: set[str] = set()
        pending = list(tips)
        while pending:
            revision = pending.pop()
            if revision in seen or revision not in self.revisions:
                continue
            seen.add(revision)
            script = self.revisions[revision]
            pending.extend((*script.down, *script.depends_on))
        return seen

    def _ordered(self, revisions: set[str]) -> list[str]:
        """``revisions`` with each after the ones it needs (ties by id, for a stable report)."""
        needs = {r: self.revisions[r].down + self.revisions[r].depends_on for r in revisions}
        graph = {r: {n for n in needs[r] if n in revisions} for r in sorted(revisions)}
        return list(TopologicalSorter(graph).static_order())


def transition(before: frozenset[str], after: frozenset[str]) -> str:
    """``base -> 0003index``: where a database was and where it is."""
    return f"{_shown(before)} -> {_shown(after)}"


def _shown(revisions: frozenset[str]) -> str:
    return ", ".join(sorted(revisions)) or BASE


def parse_script(path: Path) -> Revision | None:
    """The script's revision, or ``None`` for a file that is not one (or does not parse)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None
    values = _assignments(tree, {"revision", "down_revision", "depends_on"})
    revision = values.get("revision")
    if not isinstance(revision, str):
        return None
    docstring = (ast.get_docstring(tree, clean=False) or "").strip()
    return Revision(
        id=revision,
        down=_ids(values.get("down_revision")),
        depends_on=_ids(values.get("depends_on")),
        message=docstring.split("\n\n", 1)[0],
    )


def _assignments(tree: ast.Module, names: set[str]) -> dict[str, object]:
    """The literal values the module assigns to ``names`` (``revision: str = "…"`` too)."""
    values: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return values


def _ids(value: object) -> tuple[str, ...]:
    """``None``, one revision, or several (a merge): as a tuple of revisions."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(item for item in value if isinstance(item, str))
    return ()
