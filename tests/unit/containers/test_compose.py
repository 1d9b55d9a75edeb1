"""The generated compose.yaml, checked without Docker: interpolated with what ``kiln compose``
exports, then validated against the Compose Specification's JSON schema and kiln's promises."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema
from dockerfile_rules import stages

from kiln.config import load_config
from kiln.project import find_project

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; $$ is a $.
_VARIABLE = re.compile(r"\$(?:(\$)|\{(\w+)(?:(:?[-?])([^}]*))?\})")


def interpolate(value: Any, environ: Mapping[str, str]) -> Any:
    """What docker compose does to every string in the file, before it validates it."""
    if isinstance(value, dict):
        return {key: interpolate(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environ) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match[1]:
            return "$"
        name, operator, argument = match[2], match[3] or "", match[4] or ""
        unset = name not in environ or (operator.startswith(":") and not environ[name])
        if unset and operator.endswith("?"):
            raise LookupError(f"{name}: {argument}")
        return argument if unset and operator.endswith("-") else environ.get(name, "")

    return _VARIABLE.sub(substitute, value)


@pytest.fixture(scope="module")
def text(fresh_project: Path) -> str:
    return (fresh_project / "compose.yaml").read_text()


def exported(fresh_project: Path, env: str, **environ: str) -> dict[str, str]:
    """What `kiln compose --env ENV` gives docker compose when the shell holds only `environ`."""
    return {**environ, **load_config(find_project(fresh_project), env, environ).as_environ()}


def compose(text: str, environ: Mapping[str, str]) -> dict[str, Any]:
    return interpolate(yaml.safe_load(text), environ)


@pytest.mark.parametrize("env", ["development", "production"])
def test_it_follows_the_compose_specification(text: str, fresh_project: Path, env: str) -> None:
    environ = exported(fresh_project, env, SECRET_KEY="9" * 64)
    validator = jsonschema.Draft202012Validator(get_builtin_schema("vendor.compose-spec"))

    errors = validator.iter_errors(compose(text, environ))

    assert [f"{list(error.absolute_path)}: {error.message}" for error in errors] == []


def test_every_variable_has_a_default_or_is_one_kiln_exports(
    text: str, fresh_project: Path
) -> None:
    environ = exported(fresh_project, "development")
    for match in _VARIABLE.finditer(text):
        name, operator = match[2], match[3] or ""
        if name and not operator.endswith("-"):
            assert name in environ, f"${{{name}}} has no default and kiln does not export it"


def test_values_come_from_the_environment_config(text: str, fresh_project: Path) -> None:
    environ = exported(
        fresh_project,
        "production",
        SECRET_KEY="9" * 64,
        LOG_LEVEL="WARNING",
        WEB_CONCURRENCY="3",
        PORT="9000",
        POSTGRES_PASSWORD="s3cret",
    )

    app = compose(text, environ)["services"]["app"]

    assert app["environment"] == {
        "KILN_ENV": "production",
        "SECRET_KEY": "9" * 64,
        "FLASK_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "3",
        "DATABASE_URL": "postgresql://postgres:s3cret@db:5432/shop",
    }
    assert app["ports"] == ["9000:8000"]


def test_without_kiln_the_secret_key_is_required(text: str) -> None:
    with pytest.raises(LookupError, match="SECRET_KEY: set SECRET_KEY, or run kiln compose"):
        compose(text, {})


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
    assert all("profiles" not in services[name] for name in ("app", "db"))


def test_the_schema_check_catches_a_mistake(text: str, fresh_project: Path) -> None:
    spec = compose(text, exported(fresh_project, "development"))
    spec["services"]["app"]["depends_on"]["db"]["condition"] = "healthy"
    validator = jsonschema.Draft202012Validator(get_builtin_schema("vendor.compose-spec"))

    assert list(validator.iter_errors(spec))
