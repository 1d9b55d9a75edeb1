"""``[tool.kiln] jobs``: where the job queue is, or the message that says how to write it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.errors import UsageError
from kiln.project import find_project


def project_with(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "shop"\n[tool.kiln]\n{table}\n')
    return tmp_path


def test_the_queue_is_named_by_module_and_attribute(tmp_path: Path) -> None:
    project = find_project(project_with(tmp_path, 'jobs = "shop.jobs:queue"'))

    assert project.jobs == "shop.jobs:queue"


def test_a_project_without_jobs_has_none(tmp_path: Path) -> None:
    assert find_project(project_with(tmp_path, 'app = "shop:create_app"')).jobs is None


def test_a_malformed_reference_shows_the_form(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        find_project(project_with(tmp_path, 'jobs = "shop.jobs.queue"'))

    [problem] = raised.value.problems
    assert problem.what == "jobs 'shop.jobs.queue' is not of the form 'module:name'"
    assert problem.where is not None
    assert problem.where.endswith("[tool.kiln] jobs")
    assert problem.fix == 'point it at the job queue, e.g. jobs = "shop.jobs:queue"'
