"""``_updated``: the opaque, increasing token the feed gives each change, and Sesam sends back.

A token is ``"<xid>-<seq>"``, both numbers zero-padded to 20 digits: the writing transaction's
id first (every row one push writes shares it, so the sequence number orders them within it and
``limit`` can cut through a push), and padded so that tokens compare as strings in the same
order as numbers, for whoever compares them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

WIDTH = 20
_TOKEN = re.compile(rf"(\d{{1,{WIDTH}}})-(\d{{1,{WIDTH}}})")
# The same format in SQL, for the feed's query (store.py).
TOKEN_SQL = f"lpad(xid::text, {WIDTH}, '0') || '-' || lpad(seq::text, {WIDTH}, '0')"


class Position(NamedTuple):
    """A place in the feed: after the change ``seq`` of transaction ``xid``."""

    xid: int
    seq: int


class InvalidTokenError(ValueError):
    """``since`` is not a token the feed gave."""


def format_token(position: Position) -> str:
    return f"{position.xid:0{WIDTH}d}-{position.seq:0{WIDTH}d}"


def parse_token(token: str) -> Position:
    """The position ``token`` names; ``InvalidTokenError`` when it is not one of ours."""
    match = _TOKEN.fullmatch(token.strip())
    if match is None:
        raise InvalidTokenError(f"{token!r} is not an _updated value this connector gave")
    return Position(int(match[1]), int(match[2]))
