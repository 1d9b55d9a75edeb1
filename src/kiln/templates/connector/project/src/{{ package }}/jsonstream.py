"""JSON arrays read and written one entity at a time, so memory stays flat however long they are.

Sesam gives a microservice 128 MB by default, and a full sync or a feed can be many times that:
nothing here ever holds more than one entity (and one read buffer) of an array.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO, Any

import ijson

CHUNK = 64 * 1024


class NotAnArrayError(ValueError):
    """The body is not a JSON array of objects; the message says where it went wrong."""


def iter_array(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The objects of the JSON array ``stream`` holds, one at a time.

    Numbers come back as ``float``/``int``: Sesam writes decimals that must stay exact as
    ``~f`` strings, which pass through untouched like every other typed value.
    """
    first = stream.read(CHUNK)
    if not first.lstrip().startswith(b"["):
        raise NotAnArrayError("the body must be a JSON array of entities, [...]")
    rest = iter(lambda: stream.read(CHUNK), b"")
    try:
        for index, item in enumerate(
            ijson.items(_Chunks(chain([first], rest)), "item", use_float=True)
        ):
            if not isinstance(item, dict):
                raise NotAnArrayError(f"item {index} of the array is not an object")
            yield item
    except ijson.JSONError as error:
        raise NotAnArrayError(f"the body is not valid JSON: {error}") from None


def array_chunks(items: Iterable[str]) -> Iterator[str]:
    """``[``, the JSON texts in ``items`` separated by commas, ``]``, in pieces of about
    ``CHUNK`` characters: a streamed response, without one write per entity.

    When ``items`` fails, the error goes on up and no ``]`` is written, so the reader's parse
    fails too: a cut-off feed must never look like a complete (and shorter) one.
    """
    piece, size, separator = ["["], 0, ""
    for item in items:
        piece += (separator, item)
        separator = ",\n"
        size += len(item)
        if size >= CHUNK:
            yield "".join(piece)
            piece, size = [], 0
    piece.append("]\n")
    yield "".join(piece)


class _Chunks:
    """A file-like view of an iterator of byte strings, for ijson."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to learn whether it gets bytes or text
            return b""
        return next(self._chunks, b"")
