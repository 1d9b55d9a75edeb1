"""One setting's declaration: its type, defaults, choices, and where it is required."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kiln.config.sources import Entry
from kiln.masking import is_secret_name
from kiln.project import PYPROJECT


@dataclass(frozen=True)
class Spec:
    """What one setting may hold, its defaults, and in which environments it is required."""

    name: str
    type: str = "str"
    default: str | None = None
    env_defaults: Mapping[str, str] = field(default_factory=dict)
    required: bool | frozenset[str] = False
    choices: tuple[str, ...] = ()
    secret: bool = False
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    needs: tuple[str, ...] = ()
    """Settings that must be set whenever this one is (an admin's email needs its password)."""
    example: str = ""

    def default_entry(self, env: str) -> Entry | None:
        """The project's declared default, else kiln's for ``env``, pinned to where it is set."""
        if self.default is not None:
            return Entry(self.default, "default", f"{declared_at(self.name)} default")
        value = self.env_defaults.get(env)
        return None if value is None else Entry(value, "default", f"kiln's {env} default")

    @property
    def is_secret(self) -> bool:
        """Declared secret, or named like one (``API_TOKEN``)."""
        return self.secret or is_secret_name(self.name)

    def required_in(self, env: str) -> bool:
        return self.required is True or (
            isinstance(self.required, frozenset) and env in self.required
        )


def declared_at(name: str) -> str:
    """Where the project declares setting ``name``."""
    return f"{PYPROJECT} [tool.kiln.settings.{name}]"
