"""The generated compose.yaml, checked without Docker: against the Compose Specification's JSON
schema, and for what kiln promises about it, on the file as written.

The ``${...}`` in it are left as they are: Compose substitutes them before it validates, and only
where the schema already takes a string, so the file is checked as Compose will check it without
re-implementing the substitution here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema
from dockerfile_rules import stages

from kiln.config import load_config
from kiln.project import find_project

# A reference to a variable: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}...
_REFERENCE = re.compile(r"\$\{(\w+)([^}]*)\}")


@pytest.fixture(scope="module")
def text(fresh_project: Path) -> str:
    return (fresh_project / "compose.yaml").read_text()


@pytest.fixture(scope="module")
def spec(text: str) -> dict[str, Any]:
    """The parsed file; tests that change it change a copy."""
    return yaml.safe_load(text)


def schema_errors(spec: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(get_builtin_schema("vendor.compose-spec"))
    errors = validator.iter_errors(spec)
    return [f"{list(error.absolute_path)}: {error.message}" for error in errors]


def exported(fresh_project: Path, env: str) -> dict[str, str]:
    """The settings ``kiln compose --env ENV`` exports when the shell holds none of them."""
    return load_config(find_project(fresh_project), env, {"SECRET_KEY": "9" * 64}).as_environ()


def strings(value: Any) -> Iterator[str]:
    """Every string value in the parsed file."""
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def test_it_follows_the_compose_specification(spec: dict[str, Any]) -> None:
    assert schema_errors(spec) == []


def test_the_schema_check_catches_a_mistake(spec: dict[str, Any]) -> None:
    broken = copy.deepcopy(spec)
    broken["services"]["app"]["depends_on"]["db"]["condition"] = "healthy"

    assert schema_errors(broken)


def test_every_variable_has_a_default_or_is_one_kiln_exports(
    spec: dict[str, Any], fresh_project: Path
) -> None:
    environ = exported(fresh_project, "development")
    references = [match for value in strings(spec) for match in _REFERENCE.findall(value)]
    required = {name for name, rest in references if not rest.startswith((":-", "-"))}

    assert references
    assert required - environ.keys() == set()


@pytest.mark.parametrize("env", ["development", "production"])
def test_the_app_gets_each_exported_setting_under_its_own_name(
    spec: dict[str, Any], fresh_project: Path, env: str
) -> None:
    environment = spec["services"]["app"]["environment"]

    assert set(environment) == {
        "KILN_ENV",
        "SECRET_KEY",
        "FLASK_DEBUG",
        "LOG_LEVEL",
        "WEB_CONCURRENCY",
        "DATABASE_URL",
    }
    for name in exported(fresh_project, env):
        assert re.fullmatch(rf"\$\{{{name}(:?[-?][^}}]*)?\}}", environment[name]), (
            f"{name}: {environment[name]!r} does not pass ${{{name}}} through"
        )
    assert spec["services"]["app"]["ports"] == ["${PORT:-8000}:8000"]


def test_the_app_and_the_tests_use_the_database_the_db_service_creates(
    spec: dict[str, Any],
) -> None:
    services = spec["services"]
    db = services["db"]["environment"]
    server = f"postgresql://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@db:5432"

    assert db["POSTGRES_DB"] == "shop"
    assert services["app"]["environment"]["DATABASE_URL"] == f"{server}/shop"
    assert services["test"]["environment"]["DATABASE_URL"] == f"{server}/shop_testing"


def test_without_kiln_the_secret_key_is_required(spec: dict[str, Any]) -> None:
    """Plain ``docker compose`` stops with this message when SECRET_KEY is unset or empty."""
    assert spec["services"]["app"]["environment"]["SECRET_KEY"] == (
        "${SECRET_KEY:?set SECRET_KEY, or run kiln compose, which exports your config}"
    )


def test_postgres_is_pinned_and_the_one_ci_tests_with(text: str, fresh_project: Path) -> None:
    workflow = yaml.safe_load((fresh_project / ".github/workflows/ci.yml").read_text())
    image = yaml.safe_load(text)["services"]["db"]["image"]

    assert re.fullmatch(r"postgres:\d+\.\d+-[a-z][a-z0-9.]*", image), image
    assert workflow["jobs"]["test"]["services"]["postgres"]["image"] == image


def test_the_data_lives_in_a_named_volume(text: str) -> None:
    spec = yaml.safe_load(text)

    assert spec["services"]["db"]["volumes"] == ["db-data:/var/lib/postgresql/data"]
    assert "db-data" in spec["volumes"]


def test_the_app_waits_for_a_healthy_database_then_migrates_then_starts(text: str) -> None:
    services = yaml.safe_load(text)["services"]
    app, db = services["app"], services["db"]

    assert app["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert db["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    shell, flag, script = app["command"]
    assert (shell, flag) == ("sh", "-c")
    assert script == "flask --app wsgi db upgrade && exec gunicorn wsgi:app"


def test_the_worker_runs_from_the_apps_image_and_settings_once_it_has_migrated(
    text: str,
) -> None:
    services = yaml.safe_load(text)["services"]
    app, worker = services["app"], services["worker"]

    assert worker["build"] == app["build"]
    assert worker["environment"] == app["environment"]
    assert worker["command"] == ["flask", "worker"]
    assert worker["healthcheck"]["test"] == ["CMD", "flask", "worker-health"]
    assert worker["depends_on"] == {"app": {"condition": "service_healthy"}}
    assert "ports" not in worker


def test_the_test_profile_runs_the_suite_from_the_test_stage(
    text: str, fresh_project: Path
) -> None:
    services = yaml.safe_load(text)["services"]
    test = services["test"]
    stage_names = [stage.name for stage in stages((fresh_project / "Dockerfile").read_text())]

    assert test["profiles"] == ["test"]
    assert test["build"] == {"context": ".", "target": "test"}
    assert "test" in stage_names
    assert test["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert test["environment"]["DATABASE_URL"].endswith("@db:5432/shop_testing")
    assert all("profiles" not in services[name] for name in ("app", "worker", "db"))
