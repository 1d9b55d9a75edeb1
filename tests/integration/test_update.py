"""``kiln update`` on a project an older template made, which its user then changed.

The "older" template is a copy of today's with a few changes, rendered by ``kiln new``'s own
code; the update runs through the real CLI. No database is involved (``--no-checks``): the
checks it runs afterwards are ``kiln test`` and ``kiln db check``, tested on their own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from generated_projects import git
from kiln_cli import run_kiln

import kiln.scaffold.templates as templates
from kiln.scaffold import create_project

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PING = Path("src/shop/api/ping.py")
OLD_DESCRIPTION = 'description="Liveness check"'


@pytest.fixture
def old_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``shop``, made by a template that differs from today's: ping.py's description and
    docstring, a line of the README, and no tests/functional/test_ping.py; committed."""
    old = tmp_path / "templates"
    shutil.copytree(templates.TEMPLATES_DIR, old)
    project = old / "api" / "project"
    ping = project / "src" / "{{ package }}" / "api" / "ping.py"
    ping.write_text(
        ping.read_text()
        .replace('description="Liveness"', OLD_DESCRIPTION)
        .replace('"""The app is running."""', '"""The app runs."""')
    )
    readme = project / "README.md.jinja"
    readme.write_text(readme.read_text().replace("| `kiln test` |", "| `kiln test` (old) |", 1))
    (project / "tests" / "functional" / "test_ping.py").unlink()
    monkeypatch.setattr(templates, "TEMPLATES_DIR", old)
    root = tmp_path / "shop"
    create_project("shop", directory=root)
    monkeypatch.undo()
    git(root, "add", "-A")
    git(root, "commit", "-qm", "As kiln new made it")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_your_changes_are_kept_the_templates_applied_conflicts_reported(
    old_project: Path,
) -> None:
    root = old_project
    edit(root / PING, OLD_DESCRIPTION, 'description="Is it alive?"')  # the template's line too
    edit(root / "src/shop/models.py", "MAX_LENGTH = 128", "MAX_LENGTH = 200")  # yours only
    (root / "README.md").write_text((root / "README.md").read_text() + "\nMy notes.\n")
    git(root, "commit", "-qam", "My changes")

    updated = run_kiln("update", "--no-checks", cwd=root)

    assert updated.returncode == 1, updated.stderr  # a conflict is left to settle
    assert updated.stdout.splitlines() == [
        "Updated:",
        "  new in the template:",
        "    tests/functional/test_ping.py",
        "  updated (you had not changed them):",
        "    .copier-answers.yml",
        "  merged with your changes:",
        "    README.md",
        "  CONFLICTS: both changed the same lines; settle the <<<<<<< markers:",
        "    src/shop/api/ping.py",
    ]
    ping = (root / PING).read_text()
    yours = 'blp = Blueprint("ping", __name__, description="Is it alive?")'
    assert f"<<<<<<< yours: src/shop/api/ping.py\n{yours}\n=======" in ping
    assert '=======\nblp = Blueprint("ping", __name__, description="Liveness")\n>>>>>>>' in ping
    assert '"""The app is running."""' in ping  # the template's change to another line
    readme = (root / "README.md").read_text()
    assert readme.endswith("\nMy notes.\n")
    assert "| `kiln test` |" in readme
    assert "MAX_LENGTH = 200" in (root / "src/shop/models.py").read_text()
    assert (root / "tests/functional/test_ping.py").is_file()


def test_a_second_update_has_nothing_left_to_do(old_project: Path) -> None:
    assert run_kiln("update", "--no-checks", cwd=old_project).returncode == 0
    git(old_project, "add", "-A")
    git(old_project, "commit", "-qm", "Updated")

    again = run_kiln("update", "--no-checks", cwd=old_project)

    assert again.returncode == 0
    assert again.stdout == "Up to date: the template has no change this project lacks.\n"


def test_dry_run_shows_the_diff_and_writes_nothing(old_project: Path) -> None:
    dry = run_kiln("update", "--dry-run", cwd=old_project)

    assert dry.returncode == 0, dry.stderr
    assert '-blp = Blueprint("ping", __name__, description="Liveness check")' in dry.stdout
    assert "Would change (--dry-run: nothing written):" in dry.stdout
    assert git(old_project, "status", "--porcelain") == ""


def test_a_dirty_tree_is_refused_saying_how_to_stash(old_project: Path) -> None:
    (old_project / "notes.txt").write_text("wip\n")

    refused = run_kiln("update", cwd=old_project)

    assert refused.returncode == 1
    assert "the git tree has 1 uncommitted change(s)" in refused.stderr
    assert "git stash push --include-untracked" in refused.stderr
    assert (old_project / "notes.txt").read_text() == "wip\n"


def test_without_the_recorded_render_it_says_how_to_fetch_it_or_name_the_base(
    old_project: Path,
) -> None:
    git(old_project, "update-ref", "-d", "refs/kiln/template")
    git(old_project, "remote", "add", "origin", "https://example.com/shop.git")
    first = git(old_project, "rev-parse", "--short", "HEAD").strip()

    refused = run_kiln("update", cwd=old_project)

    assert refused.returncode == 1
    assert "refs/kiln/template is missing" in refused.stderr
    assert "git fetch origin 'refs/kiln/template:refs/kiln/template'" in refused.stderr
    assert "kiln update --base COMMIT" in refused.stderr
    assert f"the first commit with .copier-answers.yml is {first} 'As kiln new made it'" in (
        refused.stderr.replace("\n", " ")
    )


def test_base_names_the_commit_kiln_new_made_when_no_render_is_recorded(
    old_project: Path,
) -> None:
    git(old_project, "update-ref", "-d", "refs/kiln/template")
    made = git(old_project, "rev-parse", "HEAD").strip()
    (old_project / "mine.txt").write_text("my own file\n")
    edit(old_project / "src/shop/models.py", "MAX_LENGTH = 128", "MAX_LENGTH = 200")
    git(old_project, "add", "-A")
    git(old_project, "commit", "-qm", "My changes")
    # mine.txt is in no render: left alone.
    git(old_project, "tag", "made", made)

    updated = run_kiln("update", "--no-checks", "--base", "made", cwd=old_project)

    assert updated.returncode == 0, updated.stderr
    assert "    src/shop/api/ping.py" in updated.stdout  # the template's change, applied
    assert 'description="Liveness"' in (old_project / PING).read_text()
    assert "MAX_LENGTH = 200" in (old_project / "src/shop/models.py").read_text()
    assert (old_project / "mine.txt").read_text() == "my own file\n"
    git(old_project, "add", "-A")
    git(old_project, "commit", "-qm", "Updated")
    again = run_kiln("update", "--no-checks", cwd=old_project)  # the render is recorded now
    assert again.stdout == "Up to date: the template has no change this project lacks.\n"


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("nope", "'nope' names no commit of this repository"),
        ("HEAD", "has no .copier-answers.yml, so it is not the project as kiln new made it"),
    ],
)
def test_a_base_that_is_no_render_is_refused(old_project: Path, base: str, message: str) -> None:
    git(old_project, "rm", "-q", ".copier-answers.yml")
    git(old_project, "commit", "-qm", "No answers")

    refused = run_kiln("update", "--base", base, cwd=old_project)

    assert refused.returncode == 2
    assert message in refused.stderr
