"""Recorded durations at work in a real session: ``--shard K/N`` and ``-n auto``."""

from __future__ import annotations

import json
import re

from mini_project import Mini

RECORD = ".kiln/test-durations.json"


def ran(output: str) -> set[str]:
    """The test ids pytest reported as passed (``-rA`` lines)."""
    return set(re.findall(r"^PASSED (\S+)", output, re.MULTILINE))


def test_a_run_records_the_duration_of_each_test(mini: Mini) -> None:
    code, output = mini.run_tests("-q")
    assert code == 0, output

    recorded = json.loads((mini.root / RECORD).read_text())
    assert set(recorded["tests"]) == {
        line.split()[1]
        for line in mini.run_tests("-q", "-rA")[1].splitlines()
        if line.startswith("PASSED")
    }
    assert recorded["startup"] > 0


def test_shards_run_every_test_exactly_once(mini: Mini) -> None:
    everything = ran(mini.run_tests("-rA")[1])
    before = (mini.root / RECORD).read_text()

    parts = []
    for k in (1, 2, 3):
        code, output = mini.run_tests("-rA", "--shard", f"{k}/3")
        assert code == 0, output
        assert f"kiln: shard {k}/3: {len(ran(output))} of {len(everything)} tests" in output
        parts.append(ran(output))

    assert sorted(test for part in parts for test in part) == sorted(everything)
    assert all(parts)
    assert (mini.root / RECORD).read_text() == before  # the shards' siblings split the same way


def test_a_wrong_shard_is_a_usage_error(mini: Mini) -> None:
    code, output = mini.run_tests("--shard", "4/3")

    assert code == 4
    assert "--shard 4/3: K must be between 1 and N (here 1 to 3)" in output


def test_n_auto_runs_serially_when_workers_would_not_pay(mini: Mini) -> None:
    """A handful of quick tests: starting a worker costs more than they take."""
    mini.run_tests("-q")

    code, output = mini.run_tests("-n", "auto", "-rA")

    assert code == 0, output
    assert "kiln: -n auto: no workers (" in output
    assert "workers [" not in output  # xdist started none
    assert ran(output)


def test_n_auto_leaves_an_explicit_worker_count_to_xdist(mini: Mini) -> None:
    code, output = mini.run_tests("-n", "auto", env={"PYTEST_XDIST_AUTO_NUM_WORKERS": "2"})

    assert code == 0, output
    assert "kiln: -n auto" not in output
    assert "2 workers [" in output or "created: 2/2 workers" in output
