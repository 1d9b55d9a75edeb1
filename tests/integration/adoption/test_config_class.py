"""A factory that takes a config class, the URL read when the config is imported, the project's
own ``app``/``client`` fixtures, factory_boy with a captured session, no migrations."""

from __future__ import annotations

import tomllib

import pytest
from adopted_project import Adopted

PROJECT = "classy"
pytestmark = pytest.mark.xdist_group("adopt-classy")  # one copy and server per module


def test_init_maps_each_environment_to_a_config_class(adopted: Adopted) -> None:
    kiln = tomllib.loads((adopted.root / "pyproject.toml").read_text())["tool"]["kiln"]
    assert kiln["app"] == "classy:create_app"
    assert kiln["environments"]["testing"] == {"config": "classy.config:TestConfig"}
    assert kiln["environments"]["development"] == {"config": "classy.config:Config"}
    assert "migrations" not in kiln
    assert "tests/conftest.py defines `app`, `client`" in adopted.init_result.stdout


def test_init_again_adds_nothing(adopted: Adopted) -> None:
    before = (adopted.root / "pyproject.toml").read_text()
    again = adopted.kiln("init")
    assert again.returncode == 0, again.stderr
    assert "nothing to add" in again.stdout
    assert (adopted.root / "pyproject.toml").read_text() == before


CLASHES = [
    "kiln: tests/conftest.py:8 defines `app`, which replaces kiln's for the tests it covers; "
    "kiln's stays available as `kiln_app`",
    "kiln: tests/conftest.py:17 defines `client`, which replaces kiln's for the tests it "
    "covers; kiln's stays available as `kiln_client`",
]
ESCAPED = (
    "kiln: tests/test_a_factories.py::test_a_factory_commits_for_real changed the test "
    "database outside its transaction (post: +1 rows): usually a session captured at import"
)
ESCAPED_SUMMARY = "kiln: 1 test(s) changed the database outside their transaction"


def test_the_projects_own_suite_passes_on_kilns_postgresql(adopted: Adopted) -> None:
    run = adopted.pytest()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout
    clashes = [line for line in run.stdout.splitlines() if "replaces kiln's" in line]
    assert clashes == CLASHES
    assert ESCAPED in run.stdout
    assert "factory_boy's `sqlalchemy_session = db.session`" in run.stdout
    assert ESCAPED_SUMMARY in run.stdout


def test_under_xdist_the_workers_lines_reach_the_terminal_once(adopted: Adopted) -> None:
    run = adopted.pytest("-n", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout
    lines = run.stdout.splitlines()
    assert [line for line in lines if "replaces kiln's" in line] == CLASHES  # not once a worker
    assert len([line for line in lines if line.startswith(ESCAPED)]) == 1
    assert run.stdout.count(ESCAPED_SUMMARY) == 1


def test_the_next_session_starts_on_a_clean_database(adopted: Adopted) -> None:
    first = adopted.pytest("tests/test_a_factories.py")
    assert first.returncode == 0, first.stdout + first.stderr
    second = adopted.pytest("tests/test_posts.py")  # would see the factory's post otherwise
    assert second.returncode == 0, second.stdout + second.stderr
    assert "outside its transaction" not in second.stdout


def test_a_hard_coded_sqlite_url_stops_the_session_with_one_message(adopted: Adopted) -> None:
    config = "classy/config.py"
    before = adopted.edit(
        config, 'os.environ.get("DATABASE_URL", "sqlite:///classy.db")', '"sqlite:///classy.db"'
    )
    try:
        run = adopted.pytest()
    finally:
        (adopted.root / config).write_text(before)
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert "classy/config.py:7: the app connects to sqlite:///" in output
    assert "not to kiln's database classy_test_" in output
    assert "SQLALCHEMY_DATABASE_URI = os.environ['DATABASE_URL']" in output
    assert output.count("the app connects to") == 1
    assert " passed" not in output
