"""``make bench``: kiln's speed on a generated project, side by side with the usual alternatives.

Generates ``shop`` with ``kiln new`` in a fresh folder under /var/tmp, installs it into its own
virtualenv, measures, prints a Markdown table on stdout (progress goes to stderr), then stops every
PostgreSQL it started and removes the folder (unless ``--keep``). See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import isolation
import jobs
import loop
import overhead
import runs
import watching
import workspace as ws
from console import elapsed, say
from report import Row, table
from suites import ARMS, write_suite

SECTIONS = ("overhead", "isolation", "jobs", "arms", "watch", "loop")
QUICK = {"tests": 40, "repeat": 1, "samples": 3, "rollbacks": 100, "jobs": 200}
FULL = {"tests": 200, "repeat": 3, "samples": 7, "rollbacks": 500, "jobs": 1000}


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, help="full-suite runs per arm (default 3)")
    parser.add_argument("--tests", type=int, help="tests in each arm's suite (default 200)")
    parser.add_argument(
        "--samples", type=int, help="runs per session-overhead case, and watch saves (default 7)"
    )
    parser.add_argument(
        "--rollbacks", type=int, help="timed rollbacks, and deferrals (default 500)"
    )
    parser.add_argument("--jobs", type=int, help="jobs through one worker (default 1000)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 40 tests, 1 repeat, 3 samples"
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=[*SECTIONS, *(arm.name for arm in ARMS if arm.name not in {"floor", "kiln"})],
        help="leave out a section, or one comparison arm (repeatable)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the workspace folder")
    parser.add_argument("--python", help="the Python to build the project's venv with")
    parser.add_argument(
        "--workspace",
        type=Path,
        help="use (or reuse, skipping the install) this folder; it is never deleted",
    )
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def measure(space: ws.Workspace, args: argparse.Namespace) -> tuple[list[Row], list[str]]:
    """Every section not skipped, in an order that leaves each one the state it expects."""
    rows: list[Row] = []
    notes: list[str] = []
    if "overhead" not in args.skip:
        more, notes = overhead.measure(space, args.samples)
        rows += more
    if "isolation" not in args.skip:
        rows += isolation.measure(space, args.rollbacks)
    if "jobs" not in args.skip:
        rows += jobs.measure(space, args.rollbacks, args.jobs)
    if "arms" not in args.skip:
        arms = [arm for arm in ARMS if arm.name not in args.skip]
        rows += runs.run_arms(space, arms, args.tests, args.repeat)
    if "watch" not in args.skip:
        rows += watching.measure(space, args.samples)
        rows += watching.measure_selective(space, args.samples)
    if "loop" not in args.skip:
        rows += loop.measure(space, args.samples, args.repeat)
    return rows, notes


def machine(space: ws.Workspace) -> str:
    """One line on what the numbers were measured on."""
    pg_ctl = space.admin("pg-ctl")
    version = subprocess.run([pg_ctl, "--version"], capture_output=True, text=True, check=False)
    code = "import platform, sys; print(platform.python_version(), sys.base_prefix)"
    python = space.check([space.python, "-c", code]).split()
    return (
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {python[0]} ({python[1]}), {version.stdout.strip()} ({Path(pg_ctl).parent}), "
        f"data on {_filesystem(space.folder)}"
    )


def command_line() -> str:
    """The command as it was typed, paths relative to the current folder where possible."""
    python = Path(sys.executable)
    shown = os.path.relpath(python) if python.is_relative_to(Path.cwd()) else str(python)
    return shlex.join([shown, *sys.argv])


def main(argv: Sequence[str]) -> int:
    args = parse(argv)
    _warn_if_busy()
    space = ws.create(args.workspace)
    keep = args.keep or args.workspace is not None
    left: list[int] = []
    try:
        needs_user = "arms" not in args.skip and "pytest_postgresql" not in args.skip
        ws.install(space, args.python or ws.base_python(ws.server_user() if needs_user else None))
        for arm in ARMS:
            write_suite(space.root, space.package, arm, args.tests)
        about = f"{machine(space)}, load average {os.getloadavg()[0]:.1f} at the start"
        rows, notes = measure(space, args)
        about += f" and {os.getloadavg()[0]:.1f} at the end"
    finally:
        say(
            "cleanup: kiln db down, destroy the cluster"
            + ("" if keep else ", remove the workspace")
        )
        left = ws.clean_up(space, keep=keep)
    print(f"Machine: {about}\n")
    print(table(rows))
    if notes:
        print("\nWhere session setup goes (medians):")
        print("\n".join(f"- {note}" for note in notes))
    print(f"\nCommand: {command_line()}")
    print(
        f"Bench wall time: {elapsed():.0f} s"
        + (f"; workspace kept: {space.folder}" if keep else "")
    )
    if left:
        print(f"WARNING: processes still running in the workspace: {left}", file=sys.stderr)
        return 1
    return 0


def _warn_if_busy() -> None:
    """Other work on the machine makes every number noisier; say so before starting."""
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    if load > cpus / 2:
        say(f"note: load average {load:.1f} on {cpus} CPUs; other work will add noise")


def _filesystem(path: Path) -> str:
    """``disk`` or ``tmpfs``: the type of the filesystem holding ``path``."""
    done = subprocess.run(
        ["stat", "-f", "-c", "%T", str(path)], capture_output=True, text=True, check=False
    )
    kind = done.stdout.strip() or "unknown"
    return "tmpfs" if kind == "tmpfs" else f"disk ({kind})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
