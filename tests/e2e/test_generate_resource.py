"""``kiln generate resource`` in a project ``kiln new`` made: the resource's own tests pass, the
docs test still does, ruff and ``kiln db check`` are clean, and clashes are refused."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from generated_projects import Installed, install_project

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("generate")]

ARTICLE = (
    *("generate", "resource", "Article", "title:str", "body:text", "price:decimal"),
    *("published:bool", "due:date?", "slug:str:80!", "editor:User?", "key:uuid", "data:json?"),
)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """A project of its own, with the Article resource generated once for the module."""
    for installed in install_project(tmp_path_factory.mktemp("generate")):
        git(installed, "add", "-A")
        git(installed, "commit", "-qm", "As kiln new made it")
        generated = installed.kiln(*ARTICLE)
        assert generated.returncode == 0, generated.stdout + generated.stderr
        yield installed


def git(project: Installed, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_it_writes_the_resource_and_its_migration(shop: Installed) -> None:
    changed = git(shop, "status", "--porcelain").splitlines()

    assert sorted(line[3:] for line in changed if line.startswith("??")) == [
        next(
            f"migrations/versions/{path.name}"
            for path in (shop.root / "migrations" / "versions").glob("*_add_the_articles.py")
        ),
        "scenarios/articles.py",
        "src/shop/api/articles.py",
        "tests/functional/test_articles.py",
    ]
    assert sorted(line[3:] for line in changed if line.startswith(" M")) == [
        "src/shop/app.py",
        "src/shop/models.py",
    ]


def test_the_project_tests_pass_with_the_resource(shop: Installed) -> None:
    tested = shop.kiln(
        "test", "-p", "no:randomly", "tests/functional/test_articles.py",
        "tests/functional/test_docs.py", "tests/functional/test_fuzz.py", timeout=600,
    )  # fmt: skip

    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr
    assert " passed" in tested.stdout


def test_the_generated_code_is_ruff_clean_and_the_migrations_match(shop: Installed) -> None:
    for argv in (["check", "."], ["format", "--check", "."]):
        linted = subprocess.run(
            [str(shop.bin / "ruff"), *argv], cwd=shop.root, capture_output=True, text=True
        )
        assert linted.returncode == 0, linted.stdout

    checked = shop.kiln("db", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "the models match the migrations" in checked.stdout


def test_dry_run_lists_the_files_and_writes_nothing(shop: Installed) -> None:
    before = git(shop, "status", "--porcelain")

    dry = shop.kiln("generate", "resource", "Note", "text:text", "--dry-run")

    assert dry.returncode == 0, dry.stderr
    assert "new      src/shop/api/notes.py" in dry.stdout
    assert "changed  src/shop/models.py" in dry.stdout
    assert git(shop, "status", "--porcelain") == before


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["Todo", "title:str"], "the app has a model Todo already"),
        (["Article", "title:str"], "the app has a model Article already"),
        (["Person", "name:str", "--plural", "users"], "the database has a table users already"),
        (["Note", "class:str"], "'class' is a Python keyword"),
        (["Note", "author:Writer"], "author:Writer refers to no model of the app"),
    ],
)
def test_clashes_are_refused_with_the_reason(shop: Installed, args: list[str], reason: str) -> None:
    before = git(shop, "status", "--porcelain")

    refused = shop.kiln("generate", "resource", *args)

    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert reason in refused.stderr
    assert git(shop, "status", "--porcelain") == before


def test_a_file_of_the_same_name_is_never_overwritten(shop: Installed) -> None:
    mine = shop.root / "scenarios" / "notes.py"
    mine.write_text("# mine\n")
    try:
        refused = shop.kiln("generate", "resource", "Note", "text:text")
        assert refused.returncode == 1
        assert "notes.py exists already; kiln never overwrites a file" in refused.stderr
        assert mine.read_text() == "# mine\n"
    finally:
        mine.unlink()
