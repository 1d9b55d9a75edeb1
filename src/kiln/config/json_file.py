"""``config/<env>.json`` as a list of ``{"name": ..., "value": ...}`` objects, read as is."""

from __future__ import annotations

import json
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

_SHAPE = '[{"name": "PORT", "value": "8000"}, ...]'
_KINDS = {list: "an array", dict: "an object", str: "a string", bool: "a boolean"}


def read_json(path: Path, label: str) -> Layer:
    layer = Layer()
    text = read_text(path, label, layer)
    if text is None:
        return layer
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        layer.problems.append(
            Problem(
                f"invalid JSON: {error.msg}",
                f"{label}:{error.lineno}:{error.colno}",
                "correct the syntax there",
            )
        )
        return layer
    except RecursionError:
        layer.problems.append(too_deep(label))
        return layer
    if not isinstance(data, list):
        layer.problems.append(
            Problem(
                f"must be a list of name/value objects, found {_kind(data)}",
                label,
                f"write it as {_SHAPE}",
            )
        )
        return layer
    for number, item in enumerate(data, start=1):
        _read_item(item, f"{label} item {number}", label, layer)
    return layer


def _read_item(item: object, where: str, label: str, layer: Layer) -> None:
    """One ``{"name": ..., "value": ...}``; items are counted from 1, as a reader counts them."""
    if not isinstance(item, dict):
        layer.problems.append(
            Problem(f"must be an object, found {_kind(item)}", where, f"write items as {_SHAPE}")
        )
        return
    name, value = item.get("name"), scalar_text(item.get("value"))
    if isinstance(name, str):
        where = f"{where} ({name})"
    problems = [
        Problem(f'unknown key "{key}"', where, 'an item has only "name" and "value"')
        for key in item
        if key not in ("name", "value")
    ]
    problems += [p for p in (_name_problem(name, where), _value_problem(item, value, where)) if p]
    layer.problems += problems
    if not problems and isinstance(name, str) and value is not None:
        layer.entries[name] = Entry(value, label, where)


def _name_problem(name: object, where: str) -> Problem | None:
    if name is None:
        return Problem('"name" is missing', where, 'add "name": "SOME_SETTING"')
    if not isinstance(name, str):
        return Problem(
            f'"name" must be a string, found {_kind(name)}', where, 'e.g. "name": "PORT"'
        )
    if not is_variable_name(name):
        return Problem("not a valid environment variable name", where, NAME_RULE)
    return None


def _value_problem(item: dict, value: str | None, where: str) -> Problem | None:
    if "value" not in item:
        return Problem('"value" is missing', where, 'add "value": "..."')
    if value is None:
        return Problem(
            f"wrong type: {_kind(item['value'])} is not supported as a value",
            where,
            'write a string, e.g. "value": "..."',
        )
    return None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return _KINDS.get(type(value), "a number")
