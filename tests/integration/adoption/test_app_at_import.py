"""An app built when its module is imported, its config chosen by ``APP_SETTINGS``; kiln's own
fixtures; a model only the tests define."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from adopted_project import Adopted, copy_project

PROJECT = "atimport"
pytestmark = pytest.mark.xdist_group("adopt-atimport")  # one copy and server per module


def test_dry_run_shows_the_change_and_writes_nothing(tmp_path: Path) -> None:
    fresh = copy_project(PROJECT, tmp_path / PROJECT)
    before = (fresh.root / "pyproject.toml").read_text()
    run = fresh.kiln("init", "--dry-run")
    assert run.returncode == 0, run.stderr
    assert '+app = "site_app:app"' in run.stdout
    assert '+testing = { variables = { APP_SETTINGS = "config.TestConfig" } }' in run.stdout
    assert "(dry run: nothing written)" in run.stdout
    assert (fresh.root / "pyproject.toml").read_text() == before


def test_init_sets_the_variable_the_app_reads_at_import(adopted: Adopted) -> None:
    kiln = tomllib.loads((adopted.root / "pyproject.toml").read_text())["tool"]["kiln"]
    assert kiln["app"] == "site_app:app"
    assert kiln["environments"]["testing"] == {"variables": {"APP_SETTINGS": "config.TestConfig"}}


def test_the_suite_passes_with_kilns_fixtures(adopted: Adopted) -> None:
    run = adopted.pytest()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout
    assert "replaces kiln's" not in run.stdout


def test_doctor_passes_on_the_adopted_project(adopted: Adopted) -> None:
    run = adopted.kiln("doctor")
    lines = [line for line in run.stdout.splitlines() if line.startswith("[FAIL]")]
    assert not [line for line in lines if "Docker" not in line], run.stdout
    assert "the app site_app:app with APP_SETTINGS=config.DevConfig builds" in run.stdout
