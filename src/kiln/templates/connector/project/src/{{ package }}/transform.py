"""**Your transform**: what ``POST /transform`` does to each entity a Sesam pipe sends.

``transform(entity)`` returns 0..n entities: none drops it, several split it. The example
splits an order's ``lines`` into one entity per line, each pointing back at its order, and passes
every other entity through unchanged. Raise ``UpstreamError`` when a system this needs fails:
the pipe's run fails (a 502) instead of writing a partial result.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

LINES = "lines"


def transform(entity: dict[str, Any]) -> Iterator[dict[str, Any]]:
    lines = entity.get(LINES)
    if not isinstance(lines, list) or entity.get("_deleted") is True:
        yield entity
        return
    order = {key: value for key, value in entity.items() if key != LINES}
    yield order
    for number, line in enumerate(lines, start=1):
        yield {**line, "_id": f"{entity['_id']}:{number}", "order": entity["_id"]}
