"""``kiln generate resource`` in a project ``kiln new`` made: two resources, the second referring
to the first (and to users); the whole suite passes, ruff and ``kiln db check`` are clean, with no
edit, and clashes are refused."""

from __future__ import annotations

import subprocess

import pytest
from generated_projects import Installed, git

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("generate")]


@pytest.fixture
def shop(generated_resources: Installed) -> Installed:
    return generated_resources


def test_it_writes_the_resources_and_their_migrations(shop: Installed) -> None:
    changed = git(shop.root, "status", "--porcelain").splitlines()

    migrations = sorted(
        f"migrations/versions/{path.name}"
        for plural in ("articles", "comments")
        for path in (shop.root / "migrations" / "versions").glob(f"*_add_the_{plural}.py")
    )
    assert sorted(line[3:] for line in changed if line.startswith("??")) == [
        *migrations,
        "scenarios/articles.py",
        "scenarios/comments.py",
        "src/shop/api/articles.py",
        "src/shop/api/comments.py",
        "tests/functional/test_articles.py",
        "tests/functional/test_comments.py",
    ]
    assert sorted(line[3:] for line in changed if line.startswith(" M")) == [
        "src/shop/app.py",
        "src/shop/models.py",
        "tests/conftest.py",
    ]
    models = (shop.root / "src/shop/models.py").read_text()
    assert 'ForeignKey("articles.id", ondelete="CASCADE")' in models
    assert "article: Mapped[Article] = relationship()" in models


def test_the_resources_tests_pass(shop: Installed) -> None:
    """The whole suite runs in test_update_checks.py, as kiln update's check."""
    tested = shop.kiln(
        "test", "-p", "no:randomly", "tests/functional/test_articles.py",
        "tests/functional/test_comments.py", "tests/functional/test_docs.py",
        "tests/functional/test_fuzz.py", timeout=600,
    )  # fmt: skip

    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr
    assert " passed" in tested.stdout


def test_the_database_is_up_to_date(shop: Installed) -> None:
    checked = shop.kiln("db", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "the models match the migrations" in checked.stdout
    assert "shop_development is up to date" in checked.stdout


def test_the_comment_tests_make_the_articles_they_refer_to(shop: Installed) -> None:
    tests = (shop.root / "tests/functional/test_comments.py").read_text()
    conftest = (shop.root / "tests/conftest.py").read_text()

    assert "article = make_article(ada, second=True)" in tests
    assert "def test_an_article_that_does_not_exist_is_a_404(" in tests
    assert '"article_id: article 2147483647 does not exist"' in tests
    assert "def test_filter_on_article(" in tests
    assert "article = make_article(user, second=second)" in conftest
    scenario = (shop.root / "scenarios/comments.py").read_text()
    assert "article = Article(" in scenario
    assert "article=article," in scenario


def test_the_generated_code_is_ruff_clean(shop: Installed) -> None:
    for argv in (["check", "."], ["format", "--check", "."]):
        linted = subprocess.run(
            [str(shop.bin / "ruff"), *argv], cwd=shop.root, capture_output=True, text=True
        )
        assert linted.returncode == 0, linted.stdout


def test_dry_run_lists_the_files_and_writes_nothing(shop: Installed) -> None:
    before = git(shop.root, "status", "--porcelain")

    dry = shop.kiln("generate", "resource", "Note", "text:text", "--dry-run")

    assert dry.returncode == 0, dry.stderr
    assert "new      src/shop/api/notes.py" in dry.stdout
    assert "changed  src/shop/models.py" in dry.stdout
    assert git(shop.root, "status", "--porcelain") == before


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["Todo", "title:str"], "the app has a model Todo already"),
        (["Article", "title:str"], "the app has a model Article already"),
        (["Person", "name:str", "--plural", "users"], "the database has a table users already"),
        (["Note", "class:str"], "'class' is a Python keyword"),
        (["Note", "author:Writer"], "author:Writer refers to no model of the app"),
        (["Note", "parent:Note?"], "parent:Note refers to the model being generated"),
    ],
)
def test_clashes_are_refused_with_the_reason(shop: Installed, args: list[str], reason: str) -> None:
    before = git(shop.root, "status", "--porcelain")

    refused = shop.kiln("generate", "resource", *args)

    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert reason in refused.stderr
    assert git(shop.root, "status", "--porcelain") == before


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
