"""``[tool.kiln]`` written into the project's ``pyproject.toml``: added to, never rewritten.

Text is appended (a new table at the end, missing keys right under an existing ``[tool.kiln]``
line), so the user's formatting and comments stay as they were; the result is parsed again and
every other table compared, so a write that would change anything else is refused.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kiln.adoption.discovery import Adoption
from kiln.errors import KilnError
from kiln.project import PYPROJECT

_HEADER = re.compile(r"^\[tool\.kiln\]\s*(#.*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Change:
    path: Path
    before: str
    after: str
    kept: dict[str, tuple[object, object]]
    """Keys the user already set to something else: ``key -> (theirs, what kiln found)``."""

    @property
    def changes_anything(self) -> bool:
        return self.before != self.after


def plan(root: Path, adoption: Adoption) -> Change:
    """What ``pyproject.toml`` becomes: only what ``[tool.kiln]`` lacks is added."""
    path = root / PYPROJECT
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    current = _parse(before, path)
    table = current.get("tool", {}).get("kiln")
    wanted = _top_keys(adoption)
    kept: dict[str, tuple[object, object]] = {}
    if table is None:
        after = _append(before, _block("tool.kiln", wanted) + _sub_tables(adoption, {}))
        return Change(path, before, after, kept)
    if not isinstance(table, dict):
        raise KilnError(
            "[tool.kiln] is not a table", where=str(path), fix="write it as a [tool.kiln] table"
        )
    missing = {key: value for key, value in wanted.items() if key not in table}
    kept = {k: (table[k], v) for k, v in wanted.items() if k in table and table[k] != v}
    after = before
    if missing:
        header = _HEADER.search(after)
        if header is None:  # [tool.kiln] given inline or dotted: leave it to the user
            raise KilnError(
                "[tool.kiln] is written in a form kiln cannot add keys to",
                where=str(path),
                fix="write it as a [tool.kiln] table header, then run kiln init again",
            )
        lines = "".join(f"{key} = {_value(value)}\n" for key, value in missing.items())
        after = after[: header.end() + 1] + lines + after[header.end() + 1 :]
    after = _append(after, _sub_tables(adoption, table)) if _sub_tables(adoption, table) else after
    _check_only_kiln_changed(current, _parse(after, path), path)
    return Change(path, before, after, kept)


def write(change: Change) -> None:
    change.path.write_text(change.after, encoding="utf-8")


def _top_keys(adoption: Adoption) -> dict[str, str]:
    keys = {"app": adoption.app, "package": adoption.package, "migrations": adoption.migrations}
    return {key: value for key, value in keys.items() if value is not None}


def _sub_tables(adoption: Adoption, table: dict) -> str:
    text = ""
    if adoption.environments and "environments" not in table:
        text += _block("tool.kiln.environments", adoption.environments)
    if adoption.database_variables and "database_variables" not in table:
        text += _block("tool.kiln.database_variables", adoption.database_variables)
    return text


def _block(name: str, values: dict) -> str:
    lines = "".join(f"{_key(key)} = {_value(value)}\n" for key, value in values.items())
    return f"\n[{name}]\n{lines}"


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _value(value: object) -> str:
    """A TOML value: strings as basic strings, tables inline."""
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return f"{{ {inner} }}" if inner else "{}"
    return json.dumps(value)


def _append(text: str, block: str) -> str:
    if not text:
        return block.lstrip("\n")
    return text + ("" if text.endswith("\n") else "\n") + block


def _parse(text: str, path: Path) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise KilnError(
            f"invalid TOML: {error}", where=str(path), fix="correct the syntax, then run it again"
        ) from None


def _check_only_kiln_changed(before: dict, after: dict, path: Path) -> None:
    def without_kiln(data: dict) -> dict:
        tool = {k: v for k, v in data.get("tool", {}).items() if k != "kiln"}
        return {**data, "tool": tool}

    if without_kiln(before) != without_kiln(after):
        raise KilnError(
            "adding [tool.kiln] would change another table",
            where=str(path),
            fix="add [tool.kiln] by hand (kiln init --dry-run shows what it would add)",
        )
