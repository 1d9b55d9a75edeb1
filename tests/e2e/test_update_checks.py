"""``kiln update`` with its checks, in a project with a virtualenv: after the merge it runs the
project's ``kiln test`` and ``kiln db check`` and says whether the update is safe to commit.

The project is the one the generate tests share (two resources generated): its whole suite runs
here, as the update's check. It is made "older" by recording, as the template's render, today's
with ``GET /ping`` answering ``pong`` instead of ``pong!``, and giving the project the same.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from generated_projects import Installed, git

from kiln.scaffold import snapshot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("generate")]

OLD_FILES = ("src/shop/api/ping.py", "tests/functional/test_ping.py")


def older(text: str) -> str:
    assert '"pong!"' in text
    return text.replace('"pong!"', '"pong"')


@pytest.fixture
def old_shop(generated_resources: Installed, tmp_path: Path) -> Iterator[Installed]:
    """The shared project, committed, as if an older template (ping answering "pong") had made
    it; put back as it was afterwards: same HEAD, the resources uncommitted, the same render."""
    root = generated_resources.root
    head = git(root, "rev-parse", "HEAD").strip()
    recorded = snapshot.previous(root)
    assert recorded is not None
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Generated the articles and comments")
    generated = git(root, "rev-parse", "HEAD").strip()
    render = tmp_path / "render"
    for name, content in (snapshot.files(root) or {}).items():
        path = render / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(older(content.decode()).encode() if name in OLD_FILES else content)
    assert snapshot.record(root, render, "the older template")
    for name in OLD_FILES:
        (root / name).write_text(older((root / name).read_text()))
    git(root, "commit", "-qam", "As the older template made it")
    yield generated_resources
    git(root, "reset", "-q", "--hard", generated)
    git(root, "clean", "-qfd")
    git(root, "reset", "-q", head)
    git(root, "update-ref", snapshot.REF, recorded)
    shutil.rmtree(render)


def test_an_update_whose_checks_pass_is_safe_to_commit(old_shop: Installed) -> None:
    readme = old_shop.root / "README.md"
    readme.write_text(readme.read_text() + "\nMy notes.\n")  # the user's edit
    git(old_shop.root, "commit", "-qam", "My notes")

    updated = old_shop.kiln("update", timeout=900)

    assert updated.returncode == 0, updated.stdout[-3000:] + updated.stderr
    assert "    src/shop/api/ping.py" in updated.stdout
    assert updated.stdout.rstrip().splitlines()[-3:] == [
        "kiln test: passed",
        "kiln db check: clean",
        "The update is safe to commit: review it with git diff, then commit it.",
    ]
    assert readme.read_text().endswith("\nMy notes.\n")


def test_an_update_that_breaks_a_test_is_not_safe_to_commit(old_shop: Installed) -> None:
    mine = old_shop.root / "tests" / "functional" / "test_my_client.py"
    mine.write_text(
        '"""Our mobile client reads the word pong."""\n\n\n'
        "def test_ping_says_pong(client) -> None:\n"
        '    assert client.get("/ping").get_json()["message"] == "pong"\n'
    )
    git(old_shop.root, "add", "-A")
    git(old_shop.root, "commit", "-qm", "Our client's test")

    updated = old_shop.kiln("update", timeout=900)

    assert updated.returncode == 1, updated.stdout[-3000:] + updated.stderr
    assert "FAILED tests/functional/test_my_client.py::test_ping_says_pong" in updated.stdout
    assert updated.stdout.rstrip().splitlines()[-2:] == [
        "kiln test: FAILED",
        "kiln db check: clean",
    ]
    assert "The update is not safe to commit as it is" in updated.stderr
    assert f"git update-ref {snapshot.REF} " in updated.stderr
