"""Projects generated once per session by the real ``kiln new``, for the e2e tests to share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from generated_projects import Generated, Installed, git, install_project, kiln_new

ARTICLE = (
    *("generate", "resource", "Article", "title:str", "body:text", "price:decimal"),
    *("published:bool", "due:date?", "slug:str:80!", "editor:User?", "key:uuid", "data:json?"),
)
COMMENT = ("generate", "resource", "Comment", "body:text", "article:Article", "author:User?")


@pytest.fixture(scope="session")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """``kiln new shop --no-input --no-venv`` into a fresh folder; treat it as read-only."""
    parent = tmp_path_factory.mktemp("new-api")
    root = parent / "shop"
    result = kiln_new("shop", "--directory", str(root), "--no-input", "--no-venv", cwd=parent)
    assert result.returncode == 0, result.stderr
    return Generated(root, result)


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """``kiln new shop``, its ``.venv`` installed with uv; the project's server destroyed after.

    kiln comes from this checkout, editable, as in this test run.
    """
    yield from install_project(tmp_path_factory.mktemp("installed"))


@pytest.fixture(scope="session")
def migrating_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """Another, for the tests that change its models and migrations: installed with pip, so
    kiln new's fallback installs a project that works too."""
    yield from install_project(tmp_path_factory.mktemp("migrating"), KILN_INSTALLER="pip")


@pytest.fixture(scope="session")
def installed_connector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """``kiln new hub --template connector``, installed with uv; its server destroyed after."""
    yield from install_project(
        tmp_path_factory.mktemp("connector"), name="hub", template="connector"
    )


@pytest.fixture(scope="session")
def generated_resources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """A project of its own, committed as kiln new made it, its development database made (as
    kiln serve leaves it), then the Article and Comment resources generated, not committed.

    Tests that change it put it back as they found it (xdist group "generate").
    """
    for installed in install_project(tmp_path_factory.mktemp("generate")):
        git(installed.root, "add", "-A")
        git(installed.root, "commit", "-qm", "As kiln new made it")
        assert installed.kiln("db", "up").returncode == 0
        for command in (ARTICLE, COMMENT):
            generated = installed.kiln(*command)
            assert generated.returncode == 0, generated.stdout + generated.stderr
        yield installed
