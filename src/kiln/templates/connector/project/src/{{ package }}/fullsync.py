"""Sesam's push protocol: which request may follow which, in words a 409 can carry.

Sesam sends a sync as a chain of requests: one ``sequence_id``, each with its own
``request_id`` and the ``previous_request_id`` before it; a full sync also marks its first and
last request (``is_first``/``is_last``) and, once complete, every entity it did not contain must
go. A request that does not follow the last one accepted breaks the chain: the answer is 409,
and Sesam starts again with a new sequence, which replaces the old one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Self

_TRUE, _FALSE = "true", "false"


class InvalidParameterError(ValueError):
    """A query parameter Sesam would never send: a 400."""


class BrokenChainError(Exception):
    """The request does not follow the last one accepted: a 409, and Sesam starts over."""


@dataclass(frozen=True)
class Push:
    """One request's place in its sync, from its query parameters."""

    sequence_id: str | None = None
    request_id: str | None = None
    previous_request_id: str | None = None
    is_full: bool = False
    is_first: bool = False
    is_last: bool = False

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Self:
        push = cls(
            sequence_id=query.get("sequence_id") or None,
            request_id=query.get("request_id") or None,
            previous_request_id=query.get("previous_request_id") or None,
            is_full=_boolean(query, "is_full"),
            is_first=_boolean(query, "is_first"),
            is_last=_boolean(query, "is_last"),
        )
        if push.is_full and push.sequence_id is None:
            raise InvalidParameterError("a full sync (is_full=true) needs a sequence_id")
        return push


@dataclass(frozen=True)
class Chain:
    """The last request accepted: its sequence, its id, and whether that sync is a full one."""

    sequence_id: str | None = None
    last_request_id: str | None = None
    is_full: bool = False

    def accept(self, push: Push) -> Chain:
        """The chain once ``push`` is applied; ``BrokenChainError`` when it may not follow."""
        if push.sequence_id is None:  # a plain POST (curl, a script): nothing to follow
            return self
        if push.sequence_id == self.sequence_id:
            self._check_continues(push)
        else:
            _check_starts(push)
        return Chain(push.sequence_id, push.request_id, push.is_full)

    def _check_continues(self, push: Push) -> None:
        sequence = push.sequence_id
        if push.is_full != self.is_full:
            raise BrokenChainError(f"is_full changed within sequence {sequence!r}")
        if push.is_full and push.is_first:
            raise BrokenChainError(f"is_first arrived in the middle of sequence {sequence!r}")
        if push.previous_request_id != self.last_request_id:
            raise BrokenChainError(
                f"previous_request_id {push.previous_request_id!r} is not the last request "
                f"accepted in sequence {sequence!r}, {self.last_request_id!r}"
            )


def _check_starts(push: Push) -> None:
    """A new sequence replaces the active one, from its first request only."""
    if push.is_full and not push.is_first:
        raise BrokenChainError(
            f"sequence {push.sequence_id!r} is new here but this request is not its first "
            "(is_first): its start was never received"
        )
    if push.previous_request_id is not None:
        raise BrokenChainError(
            f"previous_request_id {push.previous_request_id!r} was never received: "
            f"sequence {push.sequence_id!r} is new here"
        )


def _boolean(query: Mapping[str, str], name: str) -> bool:
    raw = query.get(name, _FALSE).strip().lower()
    if raw not in (_TRUE, _FALSE):
        raise InvalidParameterError(f"{name} must be true or false, not {raw!r}")
    return raw == _TRUE
