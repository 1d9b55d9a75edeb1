"""**Plug your external system in here**: the far side of the entity store.

Sesam pulls the store's changes (``GET /entities``) and pushes into it (``POST /receiver``). A
connector moves entities between the store and a system of its own: replace ``connect`` to build
yours from the app's config. Any object with these two methods will do:

- ``read()``: every entity the system holds now, one at a time (``flask import-entities`` stores
  them as a full sync: new and changed ones reach the feed, missing ones are deleted);
- ``write(entities)``: a batch Sesam pushed (``_deleted: true`` ones to delete), applied before
  the push is acknowledged.

Either raises ``UpstreamError`` when the system fails: the push answers 502 and Sesam retries;
nothing is ever answered as if the system were empty. The worked example, folder_system.py,
keeps each entity in a JSON file and needs no network.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app

from .errors import UpstreamError
from .folder_system import FolderSystem

__all__ = ["ExternalSystem", "UpstreamError", "connect", "current", "init_app"]

EXTENSION = "external_system"


class ExternalSystem(Protocol):
    """What the connector needs from the system on the store's far side."""

    def read(self) -> Iterator[dict[str, Any]]: ...

    def write(self, entities: Sequence[dict[str, Any]]) -> None: ...


def connect(app: Flask) -> ExternalSystem | None:
    """The external system for ``app``; ``None`` leaves the store standing alone."""
    folder = app.config["SYSTEM_FOLDER"]
    return FolderSystem(Path(folder)) if folder else None


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = connect(app)


def current() -> ExternalSystem | None:
    """The app's external system, if it has one."""
    system: ExternalSystem | None = current_app.extensions[EXTENSION]
    return system
