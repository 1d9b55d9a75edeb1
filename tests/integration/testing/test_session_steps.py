"""The test session's steps one by one, in this process, on a real server."""

from __future__ import annotations

import os

import pytest
from mini_project import Mini

from kiln.testing.session import (
    TestSession,
    claim_database,
    session_context,
    session_environ,
    template_names,
)


def test_the_context_is_the_projects_testing_configuration(mini: Mini) -> None:
    ctx = session_context(mini.root / "tests")

    assert ctx.project.root == mini.root
    assert ctx.config.env == "testing"
    assert ctx.config.get("FLASK_DEBUG") == "false"


def test_the_template_follows_the_schema_files(mini: Mini) -> None:
    before = template_names(session_context(mini.root).project)
    mini.write("src/mini/extra.py", "EXTRA = 1\n")
    try:
        after = template_names(session_context(mini.root).project)
    finally:
        (mini.root / "src/mini/extra.py").unlink()

    assert before.prefix == after.prefix == "mini_test"
    assert before.template != after.template


def test_a_claimed_clone_exists_and_is_held(mini: Mini, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(mini.root / "src"))  # the template is built in a child
    ctx = session_context(mini.root)
    first = claim_database(ctx, lambda message: None)
    second = claim_database(ctx, lambda message: None)
    try:
        assert first.clone != second.clone
        assert {first.clone, second.clone} <= mini.databases()
    finally:
        first.release()
        second.release()


def test_the_environment_names_the_clone(mini: Mini) -> None:
    ctx = session_context(mini.root)
    url = ctx.server.url("mini_test_x")

    environ = session_environ(ctx, url)

    assert environ["DATABASE_URL"] == url
    assert environ["KILN_ENV"] == "testing"


def test_closing_restores_only_what_the_session_set(
    mini: Mini, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(mini.root / "src"))
    monkeypatch.setenv("KILN_ENV", "development")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SET_DURING_SESSION", raising=False)
    session = TestSession.open(mini.root, lambda message: None)
    assert (os.environ["KILN_ENV"], os.environ["DATABASE_URL"]) == ("testing", session.database_url)
    os.environ["SET_DURING_SESSION"] = "kept"  # another fixture's doing

    session.close()

    assert os.environ["KILN_ENV"] == "development"
    assert "DATABASE_URL" not in os.environ
    assert os.environ.pop("SET_DURING_SESSION") == "kept"
