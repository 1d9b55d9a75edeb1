"""How long ``kiln new`` takes to leave a project ready to test: uv against pip, warm and cold.

Every run is ``kiln new shop`` (this checkout's kiln, so the project gets kiln editable from it,
as ``make demo`` does) into a fresh folder, timed from start to exit. The floor is the hand install
the README describes, on files ``kiln new --no-venv`` wrote: ``python -m venv .venv`` then ``pip
install -r requirements-dev.txt``, with a warm pip cache. Each row is a ratio to that floor,
measured in the same run.

Each tool gets a HOME of the bench's own, so no cache or pip.conf of the user's counts: a cold row
is the first run in an empty HOME (every package downloaded), a warm row a later one in the same
HOME. Warm rows run round-robin, ``--repeat`` times each. See bench/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from console import elapsed, say
from report import Sample, duration, markdown

PARENT = "/var/tmp"
PROJECT = "shop"
# What would point a run at a cache or an installer other than the one its row names.
_FOREIGN = ("UV_", "XDG_", "PIP_CACHE", "KILN_INSTALLER", "VIRTUAL_ENV", "PYTHONPATH")


def main(argv: Sequence[str]) -> int:
    args = _parse(argv)
    folder = Path(tempfile.mkdtemp(prefix="kiln-bench-new-", dir=PARENT))
    try:
        rows, about = _measure(folder, args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    floor = rows[0][1].median
    print(f"Machine: {about}\n")
    print(
        markdown(
            ("how the project's .venv is made", "wall", "ratio to the floor"),
            [(label, _wall(sample), f"{sample.median / floor:.2f}") for label, sample in rows],
        )
    )
    print(f"\nCommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"Bench wall time: {elapsed():.0f} s" + (f"; kept: {folder}" if args.keep else ""))
    return 0


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/new_venv.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each warm row (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the bench's folder")
    return parser.parse_args(argv)


def _measure(folder: Path, repeat: int) -> tuple[list[tuple[str, Sample]], str]:
    homes = {tool: folder / f"home-{tool}" for tool in ("pip", "uv")}
    for home in homes.values():
        home.mkdir()
    times: dict[str, list[float]] = {}
    runs = itertools.count()

    def timed(row: str, seconds: float) -> None:
        say(f"{row}: {duration(seconds)}")
        times.setdefault(row, []).append(seconds)

    for tool, home in homes.items():  # the first run in an empty HOME is the cold one
        timed(f"cold {tool}", _kiln_new(folder / f"run-{next(runs)}", home, tool))
    about = _machine(homes["uv"])
    for _ in range(repeat):
        timed("floor", _by_hand(folder / f"run-{next(runs)}", homes["pip"]))
        timed("warm pip", _kiln_new(folder / f"run-{next(runs)}", homes["pip"], "pip"))
        timed("warm uv", _kiln_new(folder / f"run-{next(runs)}", homes["uv"], "uv"))
        timed("no venv", _kiln_new(folder / f"run-{next(runs)}", homes["uv"], None))
    labels = {
        "floor": "floor: `python -m venv` + `pip install -r requirements-dev.txt`, warm cache",
        "no venv": "`kiln new --no-venv` (the files only)",
        "warm uv": "`kiln new`, uv, warm cache",
        "cold uv": "`kiln new`, uv, cold cache (empty HOME)",
        "warm pip": "`kiln new`, `KILN_INSTALLER=pip`, warm cache",
        "cold pip": "`kiln new`, `KILN_INSTALLER=pip`, cold cache (empty HOME)",
    }
    rows = [(label, Sample(tuple(times[key]))) for key, label in labels.items()]
    return rows, about + f", load average {os.getloadavg()[0]:.1f} at the end"


def _kiln_new(root: Path, home: Path, installer: str | None) -> float:
    """Seconds ``kiln new`` takes with ``installer`` (``None``: ``--no-venv``); then removed."""
    flags = ["--no-venv"] if installer is None else []
    extra = {"KILN_INSTALLER": installer} if installer else {}
    argv = [sys.executable, "-m", "kiln", "new", PROJECT, "--directory", str(root), "--no-input"]
    return _timed([*argv, *flags], root.parent, home, extra, remove=root)


def _by_hand(root: Path, home: Path) -> float:
    """Seconds the README's hand install takes on files ``kiln new --no-venv`` wrote."""
    argv = [sys.executable, "-m", "kiln", "new", PROJECT, "--directory", str(root), "--no-input"]
    _run([*argv, "--no-venv"], root.parent, home, {})
    install = (
        f"{sys.executable} -m venv .venv && .venv/bin/python -m pip install --quiet"
        " -r requirements-dev.txt"
    )
    return _timed(["sh", "-c", install], root, home, {}, remove=root)


def _timed(argv: list[str], cwd: Path, home: Path, extra: dict[str, str], *, remove: Path) -> float:
    start = time.perf_counter()
    _run(argv, cwd, home, extra)
    seconds = time.perf_counter() - start
    shutil.rmtree(remove)
    return seconds


def _run(argv: list[str], cwd: Path, home: Path, extra: dict[str, str]) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    done = subprocess.run(
        argv,
        cwd=cwd,
        env={**environ, "HOME": str(home), **extra},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _machine(home: Path) -> str:
    """One line on what the numbers were measured on."""
    from uv import find_uv_bin

    uv = _run([find_uv_bin(), "--version"], home, home, {}).strip()
    import ensurepip

    return (
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {uv}, pip {ensurepip.version()} (what venv brings)"
    )


def _wall(sample: Sample) -> str:
    runs = f"{len(sample.values)} run" + ("" if len(sample.values) == 1 else "s")
    return f"{duration(sample.median)} (min {duration(sample.low)}, {runs})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
