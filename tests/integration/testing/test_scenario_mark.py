"""``@pytest.mark.scenario("NAME")``: a scenario loaded inside the test's transaction."""

from __future__ import annotations

from mini_project import Mini

BUSY = '''"""Three notes."""

from mini import Note


def load(db):
    db.session.add_all([Note(text=text) for text in ("one", "two", "three")])
'''

TESTS = """
import json
import urllib.request

import pytest
from mini import Note, db as extension


@pytest.mark.scenario("busy")
def test_the_client_sees_the_scenario(client):
    assert client.get("/notes").json == ["one", "two", "three"]


@pytest.mark.scenario("busy")
def test_the_test_may_change_it(client, db):
    db.session.add(Note(text="four"))
    db.session.commit()
    assert len(client.get("/notes").json) == 4


def test_and_the_next_test_starts_empty(db):
    assert db.session.query(Note).count() == 0


@pytest.mark.scenario("busy")
def test_the_mark_alone_brings_the_database(app):
    assert extension.session.query(Note).count() == 3


@pytest.mark.scenario("busy")
def test_with_the_live_server_it_is_committed_then_emptied(live_server):
    with urllib.request.urlopen(f"{live_server}/notes") as response:
        assert json.load(response) == ["one", "two", "three"]


def test_empty_after_the_live_server(db):
    assert db.session.query(Note).count() == 0


@pytest.mark.scenario("quiet")
def test_an_unknown_name(db):
    pass


@pytest.mark.scenario
def test_a_mark_without_a_name(db):
    pass
"""


def test_the_scenario_mark(mini: Mini) -> None:
    mini.write("scenarios/busy.py", BUSY)
    mini.write("tests/test_scenarios.py", TESTS)

    code, output = mini.run_tests("-q", "tests/test_scenarios.py")

    assert code == 1, output
    assert "6 passed, 2 errors" in output
    assert "no scenario named 'quiet' (available: busy)" in output
    assert 'kiln: give the mark one scenario name: @pytest.mark.scenario("NAME")' in output
    assert "During handling" not in output


def test_the_mark_is_registered(mini: Mini) -> None:
    code, output = mini.run_tests("--markers")

    assert code == 0, output
    assert '@pytest.mark.scenario("NAME"): load scenarios/NAME.py into the database first' in output
