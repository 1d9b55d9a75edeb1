"""The loaded configuration: settings with where they came from, plus the problems found."""

from __future__ import annotations

from dataclasses import dataclass

from kiln.config.environments import PRODUCTION
from kiln.errors import Problem, UsageError
from kiln.masking import display


@dataclass(frozen=True)
class Setting:
    """One variable's final value and the source that won (a file, ``.env``, ``environment``...)."""

    name: str
    value: str
    source: str
    secret: bool = False

    def __repr__(self) -> str:
        """Masked, so a setting in a log or a failing assert never shows a secret."""
        return f"Setting({self.name}={self.display()!r}, source={self.source!r})"

    def display(self, reveal: bool = False) -> str:
        """The value as it may be printed: secrets masked unless ``reveal``."""
        return display(self.value, secret=self.secret, reveal=reveal)


@dataclass(frozen=True)
class Config:
    """An environment's settings, ordered by name; problems are kept, not raised, so all show."""

    env: str
    env_source: str
    settings: dict[str, Setting]
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    def listed(self) -> list[Setting]:
        """Every setting as commands list and count them, by name: those set, and the database
        kiln provides where none is named (every environment but production, which must)."""
        listed = list(self.settings.values())
        if self.env != PRODUCTION and "DATABASE_URL" not in self.settings:
            listed.append(Setting("DATABASE_URL", "(embedded PostgreSQL)", "kiln"))
        return sorted(listed, key=lambda setting: setting.name)

    def get(self, name: str) -> str | None:
        setting = self.settings.get(name)
        return setting.value if setting else None

    def require(self) -> Config:
        """This configuration, or a ``UsageError`` with every problem so all get fixed at once."""
        if not self.problems:
            return self
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        raise UsageError.of(self.problems, f"{count} {noun} in the {self.env} configuration")

    def as_environ(self) -> dict[str, str]:
        """Variables for a child process (``flask``, ``pytest``), including ``KILN_ENV``."""
        return {**{name: s.value for name, s in self.settings.items()}, "KILN_ENV": self.env}
