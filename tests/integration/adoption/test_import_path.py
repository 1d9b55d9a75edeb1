"""A factory that takes an import path string, the URL built from parts at import, an app built
in ``wsgi.py``, unittest tests in ``tests.py``; the distribution name is not the package's."""

from __future__ import annotations

import tomllib

import pytest
from adopted_project import Adopted

PROJECT = "dotted"
pytestmark = pytest.mark.xdist_group("adopt-dotted")  # one copy and server per module


def test_init_maps_import_paths_and_the_url_parts(adopted: Adopted) -> None:
    kiln = tomllib.loads((adopted.root / "pyproject.toml").read_text())["tool"]["kiln"]
    assert (kiln["app"], kiln["package"]) == ("shop:create_app", "shop")
    assert kiln["environments"] == {
        "development": "shop.settings.DevelopmentConfig",
        "testing": "shop.settings.TestingConfig",
        "production": "shop.settings.ProductionConfig",
    }
    assert kiln["database_variables"] == {
        "POSTGRES_USER": "user",
        "POSTGRES_PASSWORD": "password",
        "POSTGRES_HOSTNAME": "host",
        "POSTGRES_PORT": "port",
        "POSTGRES_DB": "database",
    }
    assert "tests.py (unittest style): kiln's plugin collects it" in adopted.init_result.stdout


def test_the_unittest_suite_runs_on_kilns_postgresql(adopted: Adopted) -> None:
    run = adopted.pytest()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "tests.py .." in run.stdout
    assert "2 passed" in run.stdout


def test_kiln_test_fresh_replaces_the_database_and_passes(adopted: Adopted) -> None:
    run = adopted.kiln("test", "--fresh", "-q", "--no-cov")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
