"""What runs beside the tests once the session's database is claimed: in an adopted project, the
guard that stops the session on another database; in every project, after each test, the check
for writes that escaped its transaction (the first few named as they happen, all in the summary).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

from kiln.testing.escapes import RowCounts, cause
from kiln.testing.guard import DatabaseGuard

if TYPE_CHECKING:
    from kiln.errors import KilnError
    from kiln.testing.session import TestSession

SHOWN = 5  # escapes named as they happen; the summary counts them all


class Sentinel:
    def __init__(
        self,
        session: TestSession,
        stop: Callable[[KilnError], NoReturn],
        report: Callable[[str], None],
    ) -> None:
        self.session = session
        self.counts = RowCounts(session.database_url)
        self.escaped: list[str] = []
        self._report = report
        self._closed = False
        self._guard: DatabaseGuard | None = None
        if session.project.adopted:
            self._guard = DatabaseGuard(session.project, session.databases.clone, stop)
            self._guard.install()

    def after(self, test: str, *, commits: bool) -> None:
        """After ``test`` and its fixtures; ``commits``: it committed on purpose (its tables
        were truncated), so what it changed is the new clean state."""
        if self._closed:
            return
        if commits:
            self.counts.rebase()
            return
        changes = self.counts.changes()
        if not changes:
            return
        if not self.escaped:
            self.session.databases.mark_dirty()
        self.escaped.append(test)
        if len(self.escaped) <= SHOWN:
            tables = ", ".join(f"{table}: {change}" for table, change in changes.items())
            self._report(
                f"kiln: {test} changed the test database outside its transaction "
                f"({tables}): {cause(changes)}"
            )

    def close(self) -> None:
        self._closed = True
        if self._guard is not None:
            self._guard.uninstall()
        self.counts.close()


def escaped_summary(escaped: list[str]) -> str:
    """The summary's line on the tests (``escaped``, not empty) whose writes escaped."""
    return (
        f"kiln: {len(escaped)} test(s) changed the database outside their transaction, "
        f"first {escaped[0]}; this test database is replaced before the next session"
    )
