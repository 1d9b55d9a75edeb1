import json
import urllib.request

import pytest
from mini import Note


def test_app_commit_is_rolled_back_after(client):
    assert client.post("/notes", json={"text": "a"}).json == {"count": 1}
    assert client.get("/notes").json == ["a"]


def test_starts_empty(client, db):
    assert db.session.query(Note).count() == 0
    db.session.add(Note(text="b"))
    db.session.commit()
    assert client.get("/notes").json == ["b"]


def test_live_server(live_server, db):
    db.session.add(Note(text="live"))
    db.session.commit()
    with urllib.request.urlopen(f"{live_server}/notes") as response:
        assert json.load(response) == ["live"]


def test_empty_after_live(db):
    assert db.session.query(Note).count() == 0


@pytest.mark.commits
def test_commits_for_real(db):
    db.session.add(Note(text="kept until the test ends"))
    db.session.commit()
    assert db.session.query(Note).count() == 1


def test_empty_after_commits(db):
    assert db.session.query(Note).count() == 0
