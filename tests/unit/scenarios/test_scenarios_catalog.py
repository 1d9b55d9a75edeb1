"""Finding a project's scenarios and naming their databases, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.config import load_config
from kiln.context import ProjectContext
from kiln.errors import UsageError
from kiln.postgres import EmbeddedServer
from kiln.project import Project, find_project
from kiln.scenarios import catalog
from kiln.scenarios.databases import database_name

LOADS = "def load(db):\n    pass\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n[tool.kiln]\n')
    return find_project(tmp_path)


def write(project: Project, name: str, text: str) -> Path:
    path = project.scenarios_dir / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_scenarios_are_the_modules_in_scenarios_by_name(project: Project) -> None:
    write(project, "two_users.py", f'"""Two users.\n\nAda and Grace."""\n{LOADS}')
    write(project, "empty.py", LOADS)
    write(project, "_helpers.py", "")
    write(project, "notes.txt", "")

    found = catalog.available(project)

    assert [(s.name, s.description) for s in found] == [("empty", ""), ("two_users", "Two users.")]


def test_no_folder_means_no_scenarios(project: Project) -> None:
    assert catalog.available(project) == []


def test_a_description_that_cannot_be_read_says_why_without_running_anything(
    project: Project,
) -> None:
    write(project, "broken.py", "def load(db)\n")

    assert catalog.available(project)[0].description == "(cannot be read: expected ':', line 1)"


def test_an_unknown_name_lists_the_available_ones(project: Project) -> None:
    write(project, "empty.py", LOADS)
    write(project, "busy.py", LOADS)

    with pytest.raises(UsageError) as raised:
        catalog.find(project, "full")

    problem = raised.value.problems[0]
    assert problem.what == "no scenario named 'full' (available: busy, empty)"
    assert problem.where == f"{project.scenarios_dir}/full.py"
    assert "def load(db) -> None" in problem.fix


def test_an_unknown_name_with_no_scenarios_at_all(project: Project) -> None:
    with pytest.raises(UsageError, match=r"\(available: none yet\)"):
        catalog.find(project, "empty")


@pytest.mark.parametrize("name", ["Empty", "two-users", "1st", ""])
def test_a_name_must_fit_in_a_database_name(project: Project, name: str) -> None:
    with pytest.raises(UsageError, match="lowercase letters, digits and _"):
        catalog.find(project, name)


def test_a_module_without_load_is_refused_before_any_database_is_touched(
    project: Project,
) -> None:
    scenario = catalog.Scenario("typo", write(project, "typo.py", "def lod(db):\n    pass\n"))

    with pytest.raises(UsageError) as raised:
        catalog.load(scenario, db=None)

    assert raised.value.problems[0].what == "typo.py has no function load(db) (or run())"


def test_the_database_is_named_after_the_environment_and_kept_under_63_bytes(
    project: Project,
) -> None:
    config = load_config(project, "development", environ={})
    ctx = ProjectContext(project, config, EmbeddedServer(project))

    assert database_name(ctx, "two_users") == "shop_development_scenario_two_users"
    assert len(database_name(ctx, "x" * 37)) == 63
    with pytest.raises(UsageError) as raised:
        database_name(ctx, "x" * 38)
    assert "longer than the 63 characters PostgreSQL allows" in raised.value.problems[0].what
    assert raised.value.problems[0].fix == "shorten the scenario's name to 37 characters or fewer"


def test_a_scenario_written_before_kiln_may_define_run_instead(project: Project) -> None:
    path = write(project, "legacy.py", "def run():\n    pass\n")

    assert catalog._function(path).__name__ == "run"
