"""Where ``kiln new`` refuses to write, and which templates it offers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.errors import UsageError
from kiln.scaffold import available_templates, create_project


def test_a_folder_with_files_is_refused_and_left_untouched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("print('mine')\n")
    before = sorted(
        (path, path.read_bytes() if path.is_file() else None) for path in tmp_path.rglob("*")
    )

    with pytest.raises(UsageError) as caught:
        create_project("shop", directory=tmp_path)

    (problem,) = caught.value.problems
    assert problem.where == str(tmp_path)
    assert "not empty (it holds notes.txt, src)" in problem.what
    assert "--directory" in (problem.fix or "")
    after = sorted(
        (path, path.read_bytes() if path.is_file() else None) for path in tmp_path.rglob("*")
    )
    assert after == before


def test_the_default_folder_is_named_after_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "README.md").write_text("mine")

    with pytest.raises(UsageError, match="not empty"):
        create_project("shop")

    assert (tmp_path / "shop" / "README.md").read_text() == "mine"
    assert [path.name for path in (tmp_path / "shop").iterdir()] == ["README.md"]


def test_a_file_is_no_folder(tmp_path: Path) -> None:
    target = tmp_path / "shop"
    target.write_text("mine")

    with pytest.raises(UsageError, match="exists and is not a folder"):
        create_project("shop", directory=target)

    assert target.read_text() == "mine"


def test_an_unknown_template_lists_the_available_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        create_project("shop", template="django", directory=tmp_path / "shop")

    (problem,) = caught.value.problems
    assert problem.what == "unknown template 'django'"
    assert problem.fix == "use one of: api, broker, connector"
    assert not (tmp_path / "shop").exists()


def test_the_name_is_checked_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Python keyword"):
        create_project("import", directory=tmp_path / "import")

    assert not (tmp_path / "import").exists()


def test_the_templates_ship_with_kiln() -> None:
    assert available_templates() == ["api", "broker", "connector"]


@pytest.mark.parametrize(("name_bytes", "depth"), [(300, 1), (200, 25)])
def test_a_path_too_long_for_the_system_is_named_with_the_limits(
    tmp_path: Path, name_bytes: int, depth: int
) -> None:
    target = tmp_path.joinpath(*["a" * name_bytes] * depth)

    with pytest.raises(UsageError) as caught:
        create_project("shop", directory=target)

    (problem,) = caught.value.problems
    assert problem.what == "cannot make a project there: File name too long"
    assert problem.where is not None
    assert problem.where.startswith(str(tmp_path))
    assert f"({len(str(target)):,} bytes)" in problem.where
    assert (
        problem.fix == "use a shorter path: a name may have at most 255 bytes, a whole path 4,095"
    )
