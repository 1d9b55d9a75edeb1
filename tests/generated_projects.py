"""Projects made by the real ``kiln new``, as the e2e tests use them."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiln_cli import DEFAULT_TIMEOUT, run_kiln, user_environ

from kiln import __version__

KILN_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Generated:
    """A project ``kiln new`` made, and what the command printed."""

    root: Path
    result: subprocess.CompletedProcess[str]


def kiln_new(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """``kiln new ARGS``: the real CLI, as a user runs it."""
    return run_kiln("new", *args, cwd=cwd, env=env, timeout=timeout)


@dataclass(frozen=True)
class Installed:
    """A project as ``kiln new`` leaves it: with its own ``.venv``, and what kiln new printed."""

    root: Path
    result: subprocess.CompletedProcess[str]

    @property
    def bin(self) -> Path:
        return self.root / ".venv" / "bin"

    def kiln(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """The project's own ``kiln``, run from its folder."""
        return run_kiln(*args, cwd=self.root, timeout=timeout, executable=self.bin / "kiln")


def project_environ() -> dict[str, str]:
    """A user's shell, for the other commands the tests run in an installed project."""
    return user_environ()


def install_progress(installed: Installed, tool: str) -> list[str]:
    """The lines ``kiln new`` prints on stderr while it installs the project's ``.venv``."""
    kiln = f"{__version__}, editable, from {KILN_ROOT.as_uri()}"
    return [
        f"kiln: creating {installed.root}/.venv (Python {platform.python_version()}) with {tool}",
        f"kiln: installing shop[dev] and kiln {kiln} with {tool}",
    ]


def install_project(
    parent: Path, *, name: str = "shop", template: str = "api", **environ: str
) -> Iterator[Installed]:
    from kiln.postgres import EmbeddedServer
    from kiln.project import find_project

    root = parent / name
    result = kiln_new(
        *(name, "--template", template, "--directory", str(root), "--no-input"),
        cwd=parent,
        env=environ,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield Installed(root, result)
    EmbeddedServer(find_project(root)).destroy()


def git(root: Path, *args: str) -> str:
    """``git ARGS`` in ``root``, as a user with an identity; its output."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[str], timeout: float = 60) -> None:
    """Return once ``url`` answers; fail with the server's output if it exits or never does."""
    import pytest

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stdout.read() if server.stdout else ""
            pytest.fail(f"the server exited early:\n{output}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer {url} within {timeout} s")


@dataclass
class Serving:
    """A running ``kiln serve``: its address, its process, and all it printed once stopped."""

    base: str
    server: subprocess.Popen[str]
    output: str = ""


@contextmanager
def kiln_serve(
    installed: Installed, ready_path: str, *, timeout: float = 90, stop_timeout: float = 30
) -> Iterator[Serving]:
    """``kiln serve`` on a free port, as a user starts it; once ``ready_path`` answers, the body
    runs; then Ctrl-C stops it (its process group, so companions too) and ``output`` is filled."""
    port = free_port()
    server = subprocess.Popen(
        [str(installed.bin / "kiln"), "serve", "--port", str(port)],
        cwd=installed.root,
        env=project_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    serving, started = Serving(f"http://127.0.0.1:{port}", server), False
    try:
        wait_until_up(serving.base + ready_path, server, timeout)
        started = True
        yield serving
    finally:
        os.killpg(server.pid, signal.SIGINT)
        serving.output, _ = server.communicate(timeout=stop_timeout)
        if not started:  # shown under the failure, as the fixture's captured output
            print(f"kiln serve printed:\n{serving.output}")
