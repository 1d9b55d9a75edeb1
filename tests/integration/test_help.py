"""``--help`` for every command, in a project or not; the wrapped tools' help behind ``--``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from kiln_cli import run_kiln

from kiln.cli import cli

# A docker command line, as the tests need it: with or without the Compose plugin, never an engine.
FAKE_DOCKER = """#!/bin/sh
if [ "$1" = info ]; then
    echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2; exit 1
fi
if [ "$1" = compose ] && [ -n "$FAKE_COMPOSE" ]; then
    [ "$2" = version ] && echo "$FAKE_COMPOSE" || echo "docker $*"; exit 0
fi
echo "docker: unknown command: docker $1" >&2; exit 1
"""
# The commands that hand their arguments to another program, and that program's help.
PASSING_ON = {"flask": "kiln flask -- --help", "compose": "kiln compose -- --help"}
PASSING_ON_PYTEST = {"test": "kiln test -- --help"}


def every_command(
    group: click.Group = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    context = click.Context(group)
    for name in group.list_commands(context):  # kiln's commands are imported as they are asked for
        command = group.get_command(context, name)
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))


@pytest.fixture
def fake_docker(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    docker = folder / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    return folder


@pytest.mark.parametrize("command", list(every_command()), ids=" ".join)
def test_help_works_outside_a_project(
    command: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*command, "--help"], prog_name="kiln")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: kiln {' '.join(command)} ")
    name = command[0]
    if name in PASSING_ON | PASSING_ON_PYTEST:
        assert {**PASSING_ON, **PASSING_ON_PYTEST}[name] in " ".join(result.output.split())


def test_compose_help_is_kilns_and_its_own_comes_after_two_dashes(
    tmp_path: Path, fake_docker: Path
) -> None:
    environ = {"PATH": f"{fake_docker}{os.pathsep}{os.environ['PATH']}", "FAKE_COMPOSE": "2.29.1"}
    ours = run_kiln("compose", "--help", cwd=tmp_path, env=environ)
    assert ours.returncode == 0, ours.stderr
    assert "kiln compose [OPTIONS] [COMPOSE ARGS]..." in ours.stdout.splitlines()[0]
    theirs = run_kiln("compose", "--", "--help", cwd=tmp_path, env=environ)
    assert (theirs.returncode, theirs.stdout) == (0, "docker compose --help\n"), theirs.stderr


def test_doctor_warns_when_the_compose_plugin_is_missing(tmp_path: Path, fake_docker: Path) -> None:
    path = f"{fake_docker}{os.pathsep}{os.environ['PATH']}"
    without = run_kiln("doctor", cwd=tmp_path, env={"PATH": path})
    assert (
        "[warn] the Docker Compose plugin is not installed (docker compose is unknown); "
        "only kiln compose needs it"
    ) in without.stdout
    assert "fix: install Compose v2: https://docs.docker.com/compose/install/linux/" in (
        without.stdout
    )
    assert "\x1b[" not in without.stdout  # [warn] is yellow on a terminal only
    with_plugin = run_kiln("doctor", cwd=tmp_path, env={"PATH": path, "FAKE_COMPOSE": "2.29.1"})
    assert "[  ok] Docker Compose 2.29.1" in with_plugin.stdout
