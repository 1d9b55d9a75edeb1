"""``kiln init``'s reading of a project: files written here, nothing imported or run."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kiln.adoption.discovery import discover, made_by_kiln
from kiln.adoption.pyproject import plan, write
from kiln.errors import KilnError
from kiln.findings import Status
from kiln.project import find_project


def files(root: Path, texts: dict[str, str]) -> Path:
    for relative, text in texts.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


NAMED_FACTORY = """
config = {"dev": DevConfig, "test": TestConfig, "prod": ProdConfig}

def create_app(config_name):
    app = Flask(__name__)
    app.config.from_object(config[config_name])
    return app
"""


def test_a_factory_taking_the_projects_own_names_gets_them_as_aliases(tmp_path: Path) -> None:
    adoption = discover(files(tmp_path, {"web/__init__.py": NAMED_FACTORY}))

    assert adoption.app == "web:create_app"
    assert adoption.environments == {"development": "dev", "testing": "test", "production": "prod"}


def test_a_factory_without_arguments_is_called_as_is(tmp_path: Path) -> None:
    root = files(tmp_path, {"api/__init__.py": "def make_app():\n    return Flask('x')\n"})

    adoption = discover(root)

    assert adoption.app == "api:make_app"
    assert adoption.environments == {"development": {}, "testing": {}, "production": {}}
    assert any(f.status is Status.WARN and "was not found" in f.title for f in adoption.checklist)


def test_flask_app_in_flaskenv_chooses_among_factories(tmp_path: Path) -> None:
    factory = "def create_app(config_name='development'):\n    pass\n"
    root = files(
        tmp_path,
        {
            ".flaskenv": "FLASK_APP=second\n",
            "first.py": factory,
            "second.py": factory,
        },
    )

    assert discover(root).app == "second:create_app"


def test_migrations_are_found_by_their_env_py_or_alembic_ini(tmp_path: Path) -> None:
    files(tmp_path, {"app.py": "app = Flask(__name__)\n"})
    assert discover(tmp_path).migrations is None
    files(tmp_path, {"db/env.py": "", "alembic.ini": "[alembic]\nscript_location = db\n"})
    assert discover(tmp_path).migrations == "db"


def test_nothing_found_says_what_to_write(tmp_path: Path) -> None:
    adoption = discover(files(tmp_path, {"README.md": "hello\n"}))

    assert adoption.app is None
    assert 'app = "yourpackage:create_app"' in (adoption.checklist[0].fix or "")


def test_pyproject_gets_only_what_tool_kiln_lacks(tmp_path: Path) -> None:
    existing = (
        '[project]\nname = "blog"  # keep this comment\n\n'
        '[tool.kiln]\napp = "blog.factory:create_app"\n\n[tool.ruff]\nline-length = 99\n'
    )
    root = files(tmp_path, {"pyproject.toml": existing, "blog/__init__.py": NAMED_FACTORY})

    change = plan(root, discover(root))
    write(change)

    text = (root / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "blog"  # keep this comment\n')
    data = tomllib.loads(text)
    assert data["tool"]["ruff"] == {"line-length": 99}
    assert data["tool"]["kiln"]["app"] == "blog.factory:create_app"  # the user's, kept
    assert change.kept == {"app": ("blog.factory:create_app", "blog:create_app")}
    assert data["tool"]["kiln"]["environments"]["testing"] == "test"
    assert find_project(root).recipe("testing").argument == "test"
    assert not plan(root, discover(root)).changes_anything  # idempotent


def test_pyproject_that_does_not_parse_is_left_alone(tmp_path: Path) -> None:
    root = files(tmp_path, {"pyproject.toml": "[project\n", "app.py": "app = Flask('a')\n"})

    with pytest.raises(KilnError, match="invalid TOML"):
        plan(root, discover(root))


def test_a_project_kiln_new_made_has_nothing_to_adopt(tmp_path: Path) -> None:
    answers = "# Written by kiln new; kiln update reads it. Do not edit by hand.\npackage: shop\n"
    assert not made_by_kiln(tmp_path)
    files(tmp_path, {".copier-answers.yml": answers})
    assert made_by_kiln(tmp_path)


def test_the_flask_tutorials_test_config_none_is_called_without_arguments(tmp_path: Path) -> None:
    factory = "def create_app(test_config=None):\n    app = Flask(__name__)\n    return app\n"
    adoption = discover(files(tmp_path, {"flaskr/__init__.py": factory}))

    assert adoption.app == "flaskr:create_app"
    assert adoption.environments["testing"] == {}
