"""The steps between two sets of recorded revisions, read from migration scripts on disk."""

from __future__ import annotations

from pathlib import Path

from kiln.database.revisions import RevisionGraph


def script(folder: Path, revision: str, down: str, message: str = "", extra: str = "") -> None:
    doc = f'"""{message}\n\nRevision ID: {revision}\n"""\n' if message else ""
    text = f'{doc}import sqlalchemy as sa\n\nrevision = "{revision}"\ndown_revision = {down}\n'
    (folder / f"{revision}_x.py").write_text(text + extra)


def graph(tmp_path: Path) -> RevisionGraph:
    """base -> a -> b, a -> c (a branch), b + c -> m (their merge)."""
    script(tmp_path, "a", "None", "Create the users table.")
    script(tmp_path, "b", '"a"', "Add a bio")
    script(tmp_path, "c", "('a',)", "Add an email")
    script(tmp_path, "m", '("b", "c")', "Merge the heads")
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "broken.py").write_text("revision = (")
    return RevisionGraph.read(tmp_path)


def test_an_upgrade_lists_the_new_revisions_oldest_first(tmp_path: Path) -> None:
    assert graph(tmp_path).steps(frozenset(), frozenset({"m"})) == [
        "base -> a, Create the users table.",
        "a -> b, Add a bio",
        "a -> c, Add an email",
        "b, c -> m, Merge the heads",
    ]


def test_a_downgrade_lists_the_undone_revisions_newest_first(tmp_path: Path) -> None:
    assert graph(tmp_path).steps(frozenset({"m"}), frozenset({"b"})) == [
        "m -> b, c, Merge the heads",
        "c -> a, Add an email",
    ]


def test_no_change_is_no_step(tmp_path: Path) -> None:
    assert graph(tmp_path).steps(frozenset({"b", "c"}), frozenset({"b", "c"})) == []


def test_a_revision_no_script_has_is_shown_as_recorded(tmp_path: Path) -> None:
    assert graph(tmp_path).steps(frozenset({"gone"}), frozenset({"a"})) == ["gone -> a"]


def test_the_heads_are_the_revisions_nothing_follows(tmp_path: Path) -> None:
    assert graph(tmp_path).heads == {"m"}


def test_a_dependency_is_applied_before_what_depends_on_it(tmp_path: Path) -> None:
    script(tmp_path, "x", "None", "Other branch")
    script(tmp_path, "y", "None", extra='depends_on = "x"\n')
    assert RevisionGraph.read(tmp_path).steps(frozenset(), frozenset({"y"})) == [
        "base -> x, Other branch",
        "base -> y",
    ]
