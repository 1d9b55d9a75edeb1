"""The feed's subsets: ``GET /entities?subset=NAME`` serves the entities a filter matches.

A subset is a JSON object the entity's body must contain (PostgreSQL's ``@>``): add yours here.
An unknown name is a 404 that lists the known ones, never an empty (or the whole) feed.
"""

from __future__ import annotations

from typing import Any

SUBSETS: dict[str, dict[str, Any]] = {
    "orders": {"type": "order"},
    "customers": {"type": "customer"},
}


class UnknownSubsetError(LookupError):
    """No subset of that name."""


def subset_filter(name: str) -> dict[str, Any]:
    try:
        return SUBSETS[name]
    except KeyError:
        known = ", ".join(sorted(SUBSETS)) or "none"
        raise UnknownSubsetError(f"there is no subset {name!r}; the known ones: {known}") from None
