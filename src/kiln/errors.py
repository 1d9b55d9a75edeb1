"""Errors a user can meet: each says what happened, where, and what to do.

The CLI prints them without a traceback. ``UsageError`` (exit 2) is for a mistake in what the
user typed or wrote; ``KilnError`` (exit 1) is for a failure of something kiln tried to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong, pinned to its place (a file and key, an environment variable, a command)."""

    what: str
    where: str | None = None
    fix: str | None = None

    def render(self) -> str:
        head = f"{self.where}: {self.what}" if self.where else self.what
        return f"{head}\n  fix: {self.fix}" if self.fix else head


class KilnError(Exception):
    """A failure kiln reports in plain words; exit code 1."""

    exit_code = 1

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        super().__init__(what)
        self.problems: tuple[Problem, ...] = (Problem(what, where, fix),)

    @classmethod
    def of(cls, problems: Iterable[Problem], summary: str) -> KilnError:
        """One error that carries several problems, so the user fixes them all in one go."""
        error = cls(summary)
        error.problems = tuple(problems)
        return error

    def render(self) -> str:
        if len(self.problems) == 1:
            return f"error: {self.problems[0].render()}"
        lines = [f"error: {self.args[0]}"]
        lines += ["- " + p.render().replace("\n", "\n  ") for p in self.problems]
        return "\n".join(lines)


class UsageError(KilnError):
    """The user asked for something that cannot work as written; exit code 2."""

    exit_code = 2
