"""``--shard K/N``: how the selected tests are split, from their recorded durations."""

from __future__ import annotations

import pytest

from kiln.testing.shards import Shard, parse_shard, split

TESTS = [f"tests/test_{n // 10}.py::test_{n}" for n in range(40)]


def test_every_test_is_in_exactly_one_shard_and_the_split_is_deterministic() -> None:
    durations = {test: (n % 7) * 0.1 + 0.01 for n, test in enumerate(TESTS)}

    shards = split(TESTS, durations, 3)

    assert sorted(test for shard in shards for test in shard) == sorted(TESTS)
    assert split(list(reversed(TESTS)), dict(reversed(durations.items())), 3) == shards


def test_shards_are_balanced_by_recorded_time() -> None:
    durations = dict.fromkeys(TESTS, 0.01) | {TESTS[0]: 3.0, TESTS[1]: 3.0}

    first, second = split(TESTS, durations, 2)

    assert (TESTS[0] in first) != (TESTS[1] in first)  # the two slow tests apart
    assert abs(len(first) - len(second)) <= 1


def test_new_tests_spread_evenly() -> None:
    new = [f"tests/test_new.py::test_{n}" for n in range(9)]
    durations = dict.fromkeys(TESTS, 0.05)

    shards = split([*TESTS, *new], durations, 3)

    assert [len(set(shard) & set(new)) for shard in shards] == [3, 3, 3]


def test_nothing_recorded_splits_by_count() -> None:
    assert [len(shard) for shard in split(TESTS, {}, 3)] == [14, 13, 13]


def test_a_shard_is_k_of_n() -> None:
    assert parse_shard("2/4") == Shard(2, 4)
    for wrong, says in [("0/2", "between 1 and N"), ("3/2", "between 1 and N"), ("2", "K/N")]:
        with pytest.raises(ValueError, match=says):
            parse_shard(wrong)
