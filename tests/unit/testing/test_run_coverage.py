"""``kiln test`` measures coverage for a run of the whole suite, not for named tests."""

from __future__ import annotations

from pathlib import Path

from kiln.testing.run import names_tests


def test_a_test_file_or_id_is_named(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_ping.py").write_text("")

    assert names_tests(["tests/test_ping.py"], [tmp_path])
    assert names_tests(["-q", "tests/test_ping.py::test_pong[1]"], [tmp_path])
    assert names_tests(["test_ping.py"], [tmp_path / "tests", tmp_path])  # typed in tests/


def test_options_and_their_values_name_no_test(tmp_path: Path) -> None:
    assert not names_tests([], [tmp_path])
    assert not names_tests(["-k", "ping", "-x", "--shard", "1/2", "-n", "auto"], [tmp_path])
    assert not names_tests(["--deselect=tests/test_ping.py"], [tmp_path])
