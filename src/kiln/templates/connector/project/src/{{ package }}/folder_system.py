"""The worked example of an external system: a folder holding one JSON file per entity.

It stands for the API or database a real connector talks to, with the same failure modes (the
folder is missing, unreadable, full), and needs no network, so tests and a first try need
nothing but a path: ``SYSTEM_FOLDER=./system kiln serve``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from .errors import UpstreamError

SUFFIX = ".json"


class FolderSystem:
    """Entities as ``<folder>/<_id, URL-quoted>.json``; a deleted entity's file is removed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self) -> Iterator[dict[str, Any]]:
        if not self.folder.is_dir():
            raise UpstreamError(f"{self.folder} is not a folder (SYSTEM_FOLDER)")
        try:
            for path in sorted(self.folder.glob(f"*{SUFFIX}")):
                yield {**json.loads(path.read_text(encoding="utf-8")), "_id": self._id(path)}
        except (OSError, ValueError) as error:
            raise UpstreamError(f"cannot read {self.folder}: {error}") from error

    def write(self, entities: Sequence[dict[str, Any]]) -> None:
        try:
            for entity in entities:
                path = self.folder / f"{quote(entity['_id'], safe='')}{SUFFIX}"
                if entity.get("_deleted") is True:
                    path.unlink(missing_ok=True)
                else:
                    _write_atomically(path, json.dumps(entity, ensure_ascii=False, indent=2))
        except OSError as error:
            raise UpstreamError(f"cannot write to {self.folder}: {error}") from error

    @staticmethod
    def _id(path: Path) -> str:
        return unquote(path.name.removesuffix(SUFFIX))


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of it."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
