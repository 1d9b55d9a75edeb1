"""``.env`` in the project root: ``KEY=VALUE`` lines as python-dotenv reads them, literally."""

from __future__ import annotations

import io
from pathlib import Path

from dotenv.parser import parse_stream

from kiln.config.sources import NAME_RULE, Entry, Layer, is_variable_name, read_text
from kiln.errors import Problem

LABEL = ".env"


def read_dotenv(path: Path) -> Layer:
    """Values of ``.env``; each bad line is a problem at ``.env:LINE``.

    Some tutorials keep the virtualenv in a ``.env`` folder: that is skipped with a note.
    """
    layer = Layer()
    if path.is_dir():
        layer.notes.append(
            f"{LABEL} is a folder (a virtualenv?), not a settings file, so it was skipped"
        )
        return layer
    text = read_text(path, LABEL, layer)
    for binding in parse_stream(io.StringIO(text or "")):
        where = f"{LABEL}:{binding.original.line}"
        if binding.error:
            layer.problems.append(
                Problem(
                    f"cannot parse {_start(binding.original.string)!r}",
                    where,
                    "write it as NAME=value (or # comment)",
                )
            )
        elif binding.key is None:
            continue
        elif not is_variable_name(binding.key):
            layer.problems.append(
                Problem(
                    f"{binding.key!r} is not a valid environment variable name", where, NAME_RULE
                )
            )
        elif binding.value is None:
            layer.problems.append(
                Problem(f"{binding.key} has no value", where, f"write {binding.key}=value")
            )
        else:
            layer.entries[binding.key] = Entry(binding.value, LABEL, where)
    return layer


def _start(line: str) -> str:
    """The line up to its ``=``, so a value (maybe a secret) is never echoed."""
    head, equals, _ = line.strip().partition("=")
    return f"{head}=..." if equals else head
