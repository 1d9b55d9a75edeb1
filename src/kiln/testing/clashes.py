"""kiln's fixtures that a project's conftest (or a plugin such as pytest-flask) redefines: its
tests then use the project's, which is fine, but the user should know, once, where."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

# The fixtures a project (or pytest-flask) often defines itself; kiln's stay as kiln_<name>.
REPLACEABLE = ("app", "client", "db", "live_server")


def replaced_fixtures(items: Sequence[pytest.Item], root: Path, *, ours: str) -> list[str]:
    """One line per fixture of kiln's (defined in the module ``ours``) that the collected tests
    get from elsewhere, with ``file:line`` of the definition that wins."""
    found: dict[tuple[str, str], None] = {}
    for item in items:
        definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        for name in REPLACEABLE:
            if definitions.get(name):
                function = inspect.unwrap(definitions[name][-1].func)
                if function.__module__ != ours:
                    found[(name, _place(function, root))] = None
    return [
        f"kiln: {where} defines `{name}`, which replaces kiln's for the tests it covers; "
        f"kiln's stays available as `kiln_{name}`"
        for name, where in found
    ]


def _place(function: Any, root: Path) -> str:
    try:
        path = Path(inspect.getsourcefile(function) or "?")
        line = inspect.getsourcelines(function)[1]
    except (OSError, TypeError):
        return str(function.__module__)
    return f"{path.relative_to(root) if path.is_relative_to(root) else path}:{line}"
