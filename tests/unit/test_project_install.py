"""The install command in kiln's messages: kiln new's requirements file when the project has one."""

from __future__ import annotations

from pathlib import Path

from kiln.project import install_arguments


def test_a_project_from_kiln_new_installs_through_its_requirements_file(tmp_path: Path) -> None:
    (tmp_path / "requirements-dev.txt").write_text("-e .[dev]\nflask-kiln==0.1.0\n")

    assert install_arguments(tmp_path) == "-r requirements-dev.txt"


def test_another_project_installs_its_dev_extra(tmp_path: Path) -> None:
    assert install_arguments(tmp_path) == "-e '.[dev]'"
