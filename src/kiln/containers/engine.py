"""Whether Docker is usable here: the CLI, an engine that answers without sudo, the Compose plugin.

``kiln build`` and ``kiln compose`` stop with one of these problems (exit 1: something kiln tried
failed); ``kiln doctor`` shows the same ones as warnings.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from kiln.errors import KilnError, Problem

# Seconds. A remote DOCKER_HOST may be slow to answer; one that never answers must not hang kiln.
PROBE_TIMEOUT = 20
INSTALL_DOCKER = "https://docs.docker.com/engine/install/"
WITHOUT_SUDO = "https://docs.docker.com/engine/install/linux-postinstall/"
INSTALL_COMPOSE = "https://docs.docker.com/compose/install/linux/"

NO_DOCKER = Problem(
    "docker is not installed (no docker command on PATH)",
    "docker",
    f"install Docker Engine, or Docker Desktop: {INSTALL_DOCKER}",
)


@dataclass(frozen=True)
class Engine:
    """What ``docker info`` said: the engine's version, or the problem that keeps kiln from it."""

    version: str | None = None
    problem: Problem | None = None


@dataclass(frozen=True)
class Compose:
    """What ``docker compose version`` said: the plugin's version, or why there is none."""

    version: str | None = None
    problem: Problem | None = None


def probe_engine() -> Engine:
    """Ask the engine for its version, as the user running kiln (never through sudo)."""
    docker = shutil.which("docker")
    if docker is None:
        return Engine(problem=NO_DOCKER)
    try:
        done = _run(docker, "info", "--format", "{{.ServerVersion}}")
    except subprocess.TimeoutExpired:
        return Engine(
            problem=Problem(
                f"the Docker engine did not answer within {PROBE_TIMEOUT} s",
                "docker info",
                "check that Docker runs, and that DOCKER_HOST (or `docker context ls`) points "
                "at the engine you mean",
            )
        )
    version = done.stdout.strip()
    if done.returncode == 0 and version:
        return Engine(version=version)
    return Engine(problem=unreachable(done.stderr))


def unreachable(stderr: str) -> Problem:
    """The problem ``docker info``'s error output names: a socket that needs sudo, or no engine."""
    said = next((line.strip() for line in stderr.splitlines() if line.strip()), "no output")
    if "permission denied" in stderr.lower():
        return Problem(
            f"Docker needs sudo here: your user may not use the engine's socket ({said})",
            "docker info",
            "let your user run docker: sudo usermod -aG docker $USER, then log out and in again "
            f"({WITHOUT_SUDO}); do not run kiln with sudo",
        )
    return Problem(
        f"no Docker engine is reachable ({said})",
        "docker info",
        "start Docker (sudo systemctl start docker, or open Docker Desktop), "
        "or point DOCKER_HOST at a running engine",
    )


def require_docker() -> str:
    """The docker command's path, for what needs no engine (``docker compose config``)."""
    docker = shutil.which("docker")
    if docker is None:
        raise _error(NO_DOCKER)
    return docker


def require_engine() -> str:
    """The docker command's path, once the engine has answered."""
    engine = probe_engine()
    if engine.problem is not None:
        raise _error(engine.problem)
    return require_docker()


def probe_compose(docker: str) -> Compose:
    """Compose v2, `docker compose`: the old `docker-compose` reads compose.yaml differently."""
    try:
        done = _run(docker, "compose", "version", "--short")
    except subprocess.TimeoutExpired:
        done = None
    if done is not None and done.returncode == 0:
        return Compose(version=done.stdout.strip())
    return Compose(
        problem=Problem(
            "the Docker Compose plugin is not installed (docker compose is unknown)",
            "docker compose version",
            f"install Compose v2: {INSTALL_COMPOSE} (kiln runs `docker compose`, not the "
            "old docker-compose)",
        )
    )


def require_compose(docker: str) -> None:
    """Compose v2, or a ``KilnError`` with how to install it."""
    problem = probe_compose(docker).problem
    if problem is not None:
        raise _error(problem)


def _run(docker: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [docker, *args], capture_output=True, text=True, timeout=PROBE_TIMEOUT, check=False
    )


def _error(problem: Problem) -> KilnError:
    return KilnError.of([problem], problem.what)
