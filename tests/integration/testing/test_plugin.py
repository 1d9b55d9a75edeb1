"""kiln's pytest plugin, driven the way a user drives it: pytest in a project, on a real server."""

from __future__ import annotations

import os
import signal
import time

from mini_project import Mini, copy_mini

FOCUSED = """
import pytest


@pytest.mark.focus
def test_the_one_i_work_on(client):
    assert client.get("/notes").json == []
"""

HOLD = """
import os
import time
from pathlib import Path
from urllib.parse import urlsplit


def test_holds_its_database(db):
    print("DATABASE", urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/"))
    Path(os.environ["HOLD_READY"]).touch()
    deadline = time.monotonic() + 120
    while not Path(os.environ["HOLD_RELEASE"]).exists():
        assert time.monotonic() < deadline, "nobody created HOLD_RELEASE within 120 s"
        time.sleep(0.02)
"""


def test_rollback_commits_and_live_server(mini: Mini) -> None:
    code, output = mini.run_tests("-q")
    assert code == 0, output
    assert "6 passed" in output


def test_a_second_session_reuses_the_database(mini: Mini) -> None:
    mini.run_tests("-q")
    before = mini.databases()
    code, output = mini.run_tests("-q")
    assert code == 0, output
    assert mini.databases() == before
    assert len([name for name in before if "_tpl_" in name]) == 1


def test_focus_runs_only_focused_tests_and_says_so(mini: Mini) -> None:
    mini.write("tests/test_focus.py", FOCUSED)
    try:
        code, output = mini.run_tests("-q")
        assert code == 0, output
        assert "1 passed, 6 deselected" in output
        assert "running only 1 test marked @pytest.mark.focus" in output
        code, output = mini.run_tests("-q", "--no-focus")
        assert "7 passed" in output
        assert "@pytest.mark.focus" not in output
    finally:
        (mini.root / "tests/test_focus.py").unlink()


def test_a_schema_change_builds_a_template_and_switching_back_reuses_the_old(mini: Mini) -> None:
    models = mini.root / "src/mini/__init__.py"
    original = models.read_text()

    def schema(columns: int) -> dict[str, int]:
        """Run the tests on the models with ``columns`` extra columns; the templates after."""
        extra = "".join(
            f"    extra{n}: Mapped[bool] = mapped_column(default=False)\n" for n in range(columns)
        )
        models.write_text(
            original.replace("    text: Mapped[str]\n", f"    text: Mapped[str]\n{extra}")
        )
        code, output = mini.run_tests("-q")
        assert code == 0, output
        return mini.templates()

    try:
        first = schema(0)
        second = schema(1)
        assert len(second) == 2
        assert first.items() <= second.items()
        third = schema(2)
        back = schema(0)  # as after git checkout of the first branch: nothing is rebuilt
        assert back == third
        assert len(back) == 3
        fourth = schema(3)  # the schema used longest ago (one extra column) is dropped
        assert len(fourth) == 3
        assert (second.keys() - first.keys()).isdisjoint(fourth)
        assert first.items() <= fourth.items()
    finally:
        models.write_text(original)


def test_two_sessions_at_once_get_different_databases(mini: Mini, tmp_path) -> None:
    mini.write("tests/test_hold.py", HOLD)
    try:
        sessions = []
        for n in range(2):
            env = {"HOLD_READY": str(tmp_path / f"ready{n}"), "HOLD_RELEASE": str(tmp_path / "go")}
            sessions.append(mini.pytest("-q", "-s", "tests/test_hold.py", env=env))
        _wait_for(
            lambda: all((tmp_path / f"ready{n}").exists() for n in range(2)),
            "both sessions holding their database",
        )
        (tmp_path / "go").touch()
        outputs = [s.communicate(timeout=60)[0] for s in sessions]
        assert all(s.returncode == 0 for s in sessions), outputs
        used = {
            line.split()[1]
            for out in outputs
            for line in out.splitlines()
            if line.startswith("DATABASE")
        }
        assert len(used) == 2
    finally:
        (mini.root / "tests/test_hold.py").unlink()


def test_a_session_killed_with_sigkill_leaves_the_next_one_green(mini: Mini, tmp_path) -> None:
    mini.write("tests/test_hold.py", HOLD)
    env = {"HOLD_READY": str(tmp_path / "ready"), "HOLD_RELEASE": str(tmp_path / "never")}
    try:
        session = mini.pytest("-q", "-s", "tests/test_hold.py", env=env, start_new_session=True)
        _wait_for(lambda: (tmp_path / "ready").exists(), "the session holding its database")
        os.killpg(session.pid, signal.SIGKILL)
        session.wait()
    finally:
        (mini.root / "tests/test_hold.py").unlink()
    code, output = mini.run_tests("-q")
    assert code == 0, output
    clones = [name for name in mini.databases() if "_tpl_" not in name]
    assert len(clones) <= 2  # the killed session's clone is claimed again, not piled up


def test_parallel_workers_each_claim_a_database(mini: Mini) -> None:
    code, output = mini.run_tests("-q", "-n", "2")
    assert code == 0, output
    assert "6 passed" in output


def test_external_server_from_database_url(mini: Mini, tmp_path) -> None:
    other = copy_mini(tmp_path / "other")
    mini.server.up()
    code, output = other.run_tests("-q", env={"DATABASE_URL": mini.server.url("postgres")})
    assert code == 0, output
    assert not (other.root / ".kiln").exists()
    assert any("_tpl_" in name for name in mini.databases())


def _wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"no sign of {what} within {timeout} s"
        time.sleep(0.05)
