"""``config/<env>.toml``: flat ``NAME = value`` lines, scalars only."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from kiln.config.sources import (
    NAME_RULE,
    Entry,
    Layer,
    is_variable_name,
    read_text,
    scalar_text,
    too_deep,
)
from kiln.errors import Problem

_POSITION = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")


def read_toml(path: Path, label: str) -> Layer:
    """Values of the file at ``path``, shown to the user as ``label``; a missing file is empty."""
    layer = Layer()
    text = read_text(path, label, layer)
    if text is None:
        return layer
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        layer.problems.append(_syntax_problem(str(error), text, label))
        return layer
    except RecursionError:
        layer.problems.append(too_deep(label))
        return layer
    for key, raw in data.items():
        where = f"{label}: {key}"
        value = scalar_text(raw)
        if not is_variable_name(key):
            layer.problems.append(
                Problem("not a valid environment variable name", where, NAME_RULE)
            )
        elif value is None:
            layer.problems.append(
                Problem(
                    f"wrong type: {_kind(raw)} are not supported",
                    where,
                    f'write a string, e.g. {key} = "..."; each setting is one top-level line',
                )
            )
        else:
            layer.entries[key] = Entry(value, label, where)
    return layer


def _kind(value: object) -> str:
    """The non-scalar TOML kinds: arrays, tables, and dates and times."""
    if isinstance(value, list):
        return "arrays"
    return "tables" if isinstance(value, dict) else "dates and times"


def _syntax_problem(message: str, text: str, label: str) -> Problem:
    """tomllib puts the position in its message; move it into ``where`` as ``file:line:column``."""
    match = _POSITION.search(message)
    if match is None:
        return Problem(f"invalid TOML: {message}", label, "correct the syntax")
    line, column = match.groups()
    place = f"{line}:{column}" if line else str(max(len(text.splitlines()), 1))
    return Problem(
        f"invalid TOML: {message[: match.start()]}",
        f"{label}:{place}",
        'correct the syntax there (strings need quotes: NAME = "value")',
    )
