"""What kiln makes of docker's answers and of ``kiln compose``/``kiln build`` arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.containers.compose import check_compose_file, needs_engine, subcommand
from kiln.containers.engine import unreachable
from kiln.containers.image import default_tag
from kiln.errors import UsageError
from kiln.project import find_project

# What docker 28 prints to stderr for `docker info` in each case.
NO_ENGINE = (
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
    "Is the docker daemon running?\n"
)
NEEDS_SUDO = (
    "permission denied while trying to connect to the Docker daemon socket at "
    'unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/info": '
    "dial unix /var/run/docker.sock: connect: permission denied\n"
)


def test_no_engine_says_to_start_docker() -> None:
    problem = unreachable(NO_ENGINE)

    assert problem.what == f"no Docker engine is reachable ({NO_ENGINE.strip()})"
    assert problem.where == "docker info"
    assert problem.fix.startswith("start Docker")


def test_a_socket_that_needs_sudo_says_how_to_do_without() -> None:
    problem = unreachable(NEEDS_SUDO)

    assert problem.what.startswith("Docker needs sudo here: your user may not use the engine's")
    assert "sudo usermod -aG docker $USER" in problem.fix
    assert problem.fix.endswith("do not run kiln with sudo")


@pytest.mark.parametrize(
    ("args", "name", "engine"),
    [
        (["up", "--build"], "up", True),
        (["--profile", "test", "run", "--rm", "test"], "run", True),
        (["-f", "other.yaml", "-p", "demo", "down", "-v"], "down", True),
        (["--file=other.yaml", "ps"], "ps", True),
        (["config"], "config", False),
        (["--env-file", ".env.prod", "config", "--services"], "config", False),
        (["version"], "version", False),
        (["up", "--help"], "up", False),
        (["--help"], None, False),
        ([], None, False),
    ],
)
def test_the_subcommand_decides_whether_the_engine_is_needed(
    args: list[str], name: str | None, engine: bool
) -> None:
    assert subcommand(args) == name
    assert needs_engine(args) is engine


def test_without_a_compose_file_compose_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n\n[tool.kiln]\n')
    project = find_project(tmp_path)

    with pytest.raises(UsageError) as refused:
        check_compose_file(project, ["up"])

    assert refused.value.problems[0].what == f"no compose.yaml in {tmp_path}"
    check_compose_file(project, ["-f", "elsewhere.yaml", "up"])  # a named file is docker's to find


def test_the_default_tag_is_name_and_version(fresh_project: Path, tmp_path: Path) -> None:
    assert default_tag(find_project(fresh_project)) == "shop:0.1.0"
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "My-Shop"\nversion = "1.0+local.2"\n\n[tool.kiln]\n'
    )
    assert default_tag(find_project(tmp_path)) == "my-shop:1.0-local.2"
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\ndynamic = ["version"]\n\n[tool.kiln]\n'
    )
    assert default_tag(find_project(tmp_path)) == "shop"
