"""Alembic's failures in plain words: what happened, where, and the kiln command that fixes it.

``flask db …`` ends a failed command with a one-line ``Error: …`` (Alembic's ``CommandError``) or,
when a migration's SQL fails, a traceback. ``explain`` turns the ones users meet often into a
``KilnError``; anything else keeps the end of the output, so nothing is hidden. The migration that
failed is the one whose file the traceback passes through, read from that file: Alembic's log,
which may go to stdout or nowhere, is not relied on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kiln.database.revisions import Revision, parse_script
from kiln.errors import KilnError, UsageError
from kiln.runner.process import last_lines

_NOT_FOUND = re.compile(r"Can't locate revision identified by '([^']*)'")
_HEADS = re.compile(r"Multiple head revisions are present")
_RELATIVE = re.compile(r"Relative revision (\S+) didn't produce (\d+) migrations")
_FRAME = re.compile(r'^  File "(.+)", line (\d+), in (upgrade|downgrade)$', re.MULTILINE)
_DRIVER_ERROR = re.compile(r"\(psycopg2?\.errors\.(\w+)\) (.+)")
_HINTS = {
    "NotNullViolation": "a NOT NULL column added to a table that has rows needs a value for them: "
    "give it a server_default in the migration, or add it nullable, fill it, then make it NOT NULL",
    "UniqueViolation": "rows already in the table break the new unique rule: change or remove the "
    "duplicates first (in the migration, before the constraint)",
}


@dataclass(frozen=True)
class Invocation:
    """What ran: ``kiln db COMMAND [REVISION]`` on ``database``, migrations in ``directory``."""

    command: str
    database: str
    directory: Path
    revision: str | None = None

    @property
    def typed(self) -> str:
        return " ".join(filter(None, ("kiln db", self.command, self.revision)))


def explain(output: str, ran: Invocation) -> KilnError:
    """The error to show for a failed ``flask db`` command, given everything it printed."""
    if match := _NOT_FOUND.search(output):
        return _unknown_revision(match[1], ran)
    if _HEADS.search(output):
        return KilnError(
            "the migrations have more than one head: two migrations revise the same one, "
            "usually one from each of two branches that were merged (kiln db history shows them)",
            where=f"{ran.directory.name}/versions/",
            fix="join them with a merge migration: kiln db merge, then kiln db upgrade",
        )
    if match := _RELATIVE.search(output):
        count = int(match[2])
        steps = f"{count} migration{'s' * (count != 1)}"
        back = match[1].startswith("-")
        direction, which = ("back", "are applied") if back else ("forward", "are left to apply")
        return UsageError(
            f"{ran.database} cannot go {direction} {steps}: fewer than that {which}",
            where=ran.typed,
            fix="kiln db current shows where it is and kiln db history what there is; "
            "kiln db downgrade base undoes every migration",
        )
    if "Traceback (most recent call last)" in output and (failing := _failing(output, ran)):
        return _failed_migration(output, failing)
    return KilnError(
        f"{ran.typed} failed on {ran.database}:\n{last_lines(output)}",
        where=f"flask db {ran.command} --directory {ran.directory}",
        fix="the lines above come from Alembic: correct what they name, then run it again",
    )


def unknown_database_revision(database: str, revision: str, directory: Path) -> KilnError:
    """The database records a migration the project does not have (switching branches does it)."""
    return KilnError(
        f"{database} is at revision {revision}, which no file in {directory.name}/versions/ "
        "defines: it was applied from another branch, or its file was deleted",
        where=f"{database} (table alembic_version)",
        fix="bring the file back (check out the branch that has it) and kiln db downgrade to a "
        "revision both branches share; or start again: kiln db recreate (its data is lost)",
    )


def built_without_migrations(database: str, what: str) -> KilnError:
    """Tables but no migration history: ``create_all`` (a ``recreate_db`` script) made them."""
    return KilnError(
        f"{database} has tables ({what}) but no record of any migration: it was built with "
        "create_all or by hand, so the first migration would fail to create them again",
        where=f"{database} (no alembic_version)",
        fix="start it again from the migrations: kiln db recreate (its data is lost); or, if its "
        "tables already match the models, record them as migrated: kiln db stamp head",
    )


def _unknown_revision(revision: str, ran: Invocation) -> KilnError:
    if ran.revision and revision in ran.revision:
        return UsageError(
            f"no migration has the revision {revision!r}",
            where=ran.typed,
            fix="use one that kiln db history lists, or head, base, -1 (one back), +1 (one on)",
        )
    return unknown_database_revision(ran.database, revision, ran.directory)


@dataclass(frozen=True)
class _Failing:
    """The migration a traceback passes through: its script, which way it ran, where it stopped."""

    revision: Revision
    direction: str
    where: str
    ran: Invocation


def _failing(output: str, ran: Invocation) -> _Failing | None:
    """The last frame of the traceback in a migration script's ``upgrade``/``downgrade``."""
    for path, line, direction in reversed(_FRAME.findall(output)):
        script = Path(path)
        if script.is_relative_to(ran.directory) and (revision := parse_script(script)):
            where = f"{script.relative_to(ran.directory.parent)}:{line}"
            return _Failing(revision, direction, where, ran)
    return None


def _failed_migration(output: str, failing: _Failing) -> KilnError:
    revision, ran = failing.revision, failing.ran
    error = _exception_line(output)
    driver = _DRIVER_ERROR.search(error)
    name, text = (driver[1], driver[2]) if driver else ("", error)
    first = failing.direction == "upgrade" and not revision.down
    if name in {"DuplicateTable", "DuplicateObject"} and first:
        quoted = re.search(r'"([^"]+)"', text)
        return built_without_migrations(ran.database, quoted[1] if quoted else text)
    return KilnError(
        f"migration {revision.id} ({revision.message}) failed on {ran.database}: {text}"
        f"{f' ({name})' if name else ''}; PostgreSQL rolled back its changes",
        where=failing.where,
        fix=_HINTS.get(name, "correct the migration, then run the command again"),
    )


def _exception_line(output: str) -> str:
    """The line naming the exception: the first unindented one after the last stack frame."""
    lines = output.splitlines()
    last_frame = max(i for i, line in enumerate(lines) if line.startswith("  File "))
    return next(
        (line for line in lines[last_frame + 1 :] if line and not line[0].isspace()),
        lines[-1],
    )
