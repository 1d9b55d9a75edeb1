"""What every source of settings yields: values pinned to their place, problems, notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kiln.errors import Problem

_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NAME_RULE = "use letters, digits and _, not starting with a digit"


@dataclass(frozen=True)
class Entry:
    """A value, the source it counts as (``.env``) and the exact place to point at (``.env:7``)."""

    value: str
    source: str
    where: str


@dataclass
class Layer:
    """One source's values, in the order later sources override earlier ones."""

    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def is_variable_name(name: str) -> bool:
    """Whether a child process can receive ``name`` as an environment variable."""
    return bool(_VARIABLE_NAME.fullmatch(name))


def scalar_text(value: object) -> str | None:
    """A TOML or JSON scalar as an environment variable would hold it; ``None`` if not a scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def too_deep(label: str) -> Problem:
    """A file nested deeper than Python's parsers go (thousands of levels) is no settings file."""
    return Problem(
        "nested too deeply to read",
        label,
        "settings are flat, one name and one value each: write the file that way",
    )


def read_text(path: Path, label: str, layer: Layer) -> str | None:
    """The file's text; ``None`` when it is absent, or unreadable (recorded on ``layer``)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        layer.problems.append(Problem("not UTF-8 text", label, "save the file as UTF-8"))
    except OSError as error:
        layer.problems.append(
            Problem(f"cannot read: {error.strerror}", label, "make it a readable file")
        )
    return None
