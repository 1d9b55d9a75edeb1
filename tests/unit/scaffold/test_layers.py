"""The shared layer: every template renders from it, a template's own file wins over it."""

from __future__ import annotations

from pathlib import Path

from kiln.scaffold.layers import assembled
from kiln.scaffold.templates import TEMPLATES_DIR, available_templates


def make_templates(root: Path) -> Path:
    for relative, text in {
        "_shared/questions.yml": "name: {type: str}\n",
        "_shared/project/.gitignore": ".kiln/\n",
        "_shared/project/README.md": "shared\n",
        "_shared/layouts/Dockerfile.jinja": "FROM x\n",
        "mine/copier.yml": "!include _shared/questions.yml\n",
        "mine/project/README.md": "mine\n",
    }.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "mine"


def test_a_template_is_laid_over_the_shared_files_and_its_own_win(tmp_path: Path) -> None:
    with assembled(make_templates(tmp_path)) as root:
        assert (root / "project" / ".gitignore").read_text() == ".kiln/\n"
        assert (root / "project" / "README.md").read_text() == "mine\n"
        assert (root / "_shared" / "layouts" / "Dockerfile.jinja").is_file()
        assert (root / "_shared" / "questions.yml").is_file()
        assert (root / "copier.yml").is_file()
    assert not root.exists()


def test_the_shared_layer_is_no_template_and_every_template_asks_its_questions() -> None:
    assert "_shared" not in available_templates()
    for name in available_templates():
        assert "!include _shared/questions.yml" in (TEMPLATES_DIR / name / "copier.yml").read_text()
