"""Which tests ``kiln watch`` reruns for a change: the mapping from saved files to test files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.project import find_project
from kiln.testing.watch import Selection, affected_tests, select_tests


@pytest.fixture
def project(tmp_path: Path):
    files = {
        "pyproject.toml": '[project]\nname = "shop"\n[tool.kiln]\n',
        "src/shop/__init__.py": "",
        "src/shop/models.py": "",
        "src/shop/api/__init__.py": "",
        "src/shop/api/users.py": "",
        "src/shop/orphan.py": "",
        "tests/conftest.py": "",
        "tests/unit/test_models.py": "from shop.models import User\n",
        "tests/unit/test_users_api.py": "from shop.api import users\n",
        "tests/unit/test_both.py": "import shop.models\nfrom shop.api.users import thing\n",
        "tests/functional/test_http.py": "def test_x(client): ...\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return find_project(tmp_path)


def names(project, selection: Selection) -> list[str] | None:
    paths = selection.files
    return None if paths is None else [str(p.relative_to(project.root)) for p in paths]


def test_a_saved_test_file_reruns_itself(project) -> None:
    changed = [project.root / "tests/functional/test_http.py"]
    assert names(project, affected_tests(project, changed)) == ["tests/functional/test_http.py"]


def test_a_module_reruns_the_tests_that_import_it(project) -> None:
    changed = [project.root / "src/shop/models.py"]
    assert names(project, affected_tests(project, changed)) == [
        "tests/unit/test_both.py",
        "tests/unit/test_models.py",
    ]


def test_from_package_import_module_counts(project) -> None:
    changed = [project.root / "src/shop/api/users.py"]
    assert names(project, affected_tests(project, changed)) == [
        "tests/unit/test_both.py",
        "tests/unit/test_users_api.py",
    ]


@pytest.mark.parametrize(
    ("changed", "why"),
    [
        ("src/shop/orphan.py", "no test imports shop.orphan"),
        ("tests/conftest.py", "tests/conftest.py changed: anything may depend on it"),
        ("pyproject.toml", "pyproject.toml changed: anything may depend on it"),
        ("migrations/env.py", "migrations/env.py changed: anything may depend on it"),
    ],
)
def test_when_it_cannot_tell_everything_runs_and_it_says_why(project, changed, why) -> None:
    selection = affected_tests(project, [project.root / changed])
    assert selection.files is None
    assert selection.scope() == f"all tests, last failed first ({why})"


def test_a_deleted_test_file_is_not_passed_to_pytest(project) -> None:
    gone = project.root / "tests/unit/test_gone.py"
    selection = affected_tests(project, [gone])
    assert selection.files is None
    assert selection.why == "the saved test files are gone"


@pytest.mark.parametrize(
    "mark",
    ["import pytest\n\n@pytest.mark.focus\n", "from pytest import mark\n\n@mark.focus\n"],
)
@pytest.mark.parametrize("changed", ["src/shop/models.py", "tests/conftest.py"])
def test_focused_tests_are_all_that_runs_whatever_changed(project, mark, changed) -> None:
    focused = project.root / "tests/functional/test_http.py"
    focused.write_text(f"{mark}def test_x(client): ...\n")
    selection = select_tests(project, [project.root / changed])
    assert names(project, selection) == ["tests/functional/test_http.py"]
    assert selection.scope() == "focused tests (marked in tests/functional/test_http.py)"
    everything = select_tests(project, [project.root / changed], focus=False)  # --no-focus
    assert names(project, everything) != ["tests/functional/test_http.py"]


def test_a_focus_mark_in_a_comment_or_string_does_not_count(project) -> None:
    (project.root / "tests/unit/test_models.py").write_text(
        '# @pytest.mark.focus\nNOTE = "pytest.mark.focus"\n'
    )
    selection = select_tests(project, [project.root / "src/shop/models.py"])
    assert not selection.focused


def test_saved_files_lose_their_cached_bytecode(tmp_path: Path) -> None:
    from kiln.testing.watch import forget_bytecode

    saved = tmp_path / "test_users.py"
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    stale = [
        cache / "test_users.cpython-311.pyc",
        cache / "test_users.cpython-311-pytest-9.2.0.pyc",
    ]
    other = cache / "test_todos.cpython-311.pyc"
    for path in (*stale, other):
        path.write_bytes(b"")
    forget_bytecode([saved])
    assert [p.exists() for p in stale] == [False, False]
    assert other.exists()
