"""``-n auto``: the number of workers chosen from recorded durations, the cores and the load."""

from __future__ import annotations

import pytest

from kiln.testing.workers import choose_workers, speedup


def test_nothing_recorded_runs_serially() -> None:
    assert choose_workers(0.0, 0, None, cores=8).workers == 0


def test_a_short_suite_runs_serially() -> None:
    choice = choose_workers(serial=2.0, tests=20, startup=1.5, cores=2)

    assert choice.workers == 0
    assert "no workers" in choice.explain(20)


def test_a_long_suite_uses_the_cores() -> None:
    choice = choose_workers(serial=60.0, tests=2000, startup=1.5, cores=2)

    assert choice.workers == 2
    assert "2 workers" in choice.explain(2000)


def test_never_more_workers_than_tests_or_cores() -> None:
    assert choose_workers(serial=60.0, tests=3, startup=1.0, cores=16).workers == 3
    assert choose_workers(serial=60.0, tests=100, startup=1.0, cores=1).workers == 0


def test_a_busy_machine_shares_its_cores_among_every_process() -> None:
    assert speedup(2, cores=2, load=0.0) == 2.0
    assert speedup(2, cores=2, load=1.0) == pytest.approx(4 / 3)
    assert speedup(2, cores=2, load=8.0) == pytest.approx(1.8)


def test_on_a_busy_machine_workers_must_save_more() -> None:
    """Worth it on an idle machine, not when eight other processes want the two cores."""
    assert choose_workers(serial=12.0, tests=200, startup=3.0, cores=2, load=0.0).workers == 2
    assert choose_workers(serial=12.0, tests=200, startup=3.0, cores=2, load=8.0).workers == 0
