"""``--shard K/N``: the selected tests split into N parts of about the same recorded time.

Every machine of a CI matrix computes the same split from the same test ids and durations, so
each test runs in exactly one shard. Tests with no recorded time count as the average recorded
one, so new tests spread evenly; with nothing recorded, shards get equal numbers of tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_SHAPE = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True)
class Shard:
    """Part ``index`` (1-based, as typed) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``K/N`` with 1 <= K <= N; a ``ValueError`` saying what is wrong otherwise."""
    found = _SHAPE.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"--shard takes K/N, the part to run out of N (e.g. 2/4), not {text!r}")
    shard = Shard(int(found[1]), int(found[2]))
    if not 1 <= shard.index <= shard.count:
        raise ValueError(f"--shard {text}: K must be between 1 and N (here 1 to {shard.count})")
    return shard


def split(test_ids: Sequence[str], durations: Mapping[str, float], count: int) -> list[list[str]]:
    """``count`` lists of ids, together ``test_ids`` exactly once each.

    Longest first, each test goes to the shard with the least time so far (then the fewest
    tests, then the lowest number): deterministic, and within one longest test of the best split.
    """
    known = [durations[t] for t in test_ids if t in durations]
    average = sum(known) / len(known) if known else 1.0
    weighted = sorted(((durations.get(t, average), t) for t in set(test_ids)), key=_longest_first)
    shards: list[list[str]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for seconds, test_id in weighted:
        lightest = min(range(count), key=lambda n: (loads[n], len(shards[n]), n))
        shards[lightest].append(test_id)
        loads[lightest] += seconds
    return shards


def _longest_first(entry: tuple[float, str]) -> tuple[float, str]:
    return -entry[0], entry[1]
