"""The connector template's speed: entities/s pulled and pushed beside COPY, and the memory of a
1,000,000-entity feed. Run by hand (see bench/README.md):

    .venv/bin/python bench/connector.py [--entities N] [--big-feed N] [--workspace DIR]

Generates ``hub`` with ``kiln new --template connector`` (its .venv installed) in a fresh folder
under /var/tmp unless ``--workspace`` names one to reuse, starts its PostgreSQL, runs
``probes/connector.py`` in the project's Python, prints a Markdown table, then stops the server
and removes the folder (a ``--workspace`` is kept).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from console import elapsed, say
from report import markdown

HERE = Path(__file__).resolve().parent
KILN = Path(sys.executable).parent / "kiln"


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/connector.py", description=__doc__.split("\n")[0])
    parser.add_argument("--entities", type=int, default=100_000, help="pushed and pulled")
    parser.add_argument("--big-feed", type=int, default=1_000_000, help="the memory measurement")
    parser.add_argument("--workspace", type=Path, help="use (or reuse) this folder; kept")
    args = parser.parse_args()
    parent = args.workspace or Path(
        tempfile.mkdtemp(prefix="kiln-bench-connector-", dir="/var/tmp")
    )
    parent.mkdir(parents=True, exist_ok=True)
    parent.chmod(0o755)  # mkdtemp makes it 0700; PostgreSQL's user must pass through it
    root = parent / "hub"
    try:
        if not (root / ".venv").is_dir():
            say(f"kiln new hub --template connector in {parent}")
            _kiln("new", "hub", "--template", "connector", "--no-input", cwd=parent)
        url = _kiln("db", "url", cwd=root).strip()
        _kiln("db", "up", cwd=root)
        say(f"measuring: {args.entities} entities pushed and pulled, then a {args.big_feed} feed")
        python, probe_file = root / ".venv/bin/python", HERE / "probes/connector.py"
        probe = subprocess.run(
            [str(python), str(probe_file), str(root), url, str(args.entities), str(args.big_feed)],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode != 0:
            raise SystemExit(f"the probe failed:\n{probe.stdout}{probe.stderr}")
        print(_report(json.loads(probe.stdout)))
        print(f"\nbench wall time {elapsed():.0f} s")
    finally:
        if (root / "pyproject.toml").is_file():
            _kiln("db", "destroy", "--yes", cwd=root)
        if args.workspace is None:
            shutil.rmtree(parent, ignore_errors=True)


def _report(found: dict[str, float]) -> str:
    count, big = int(found["entities"]), int(found["big"])

    def rate(seconds: float, entities: int = count) -> str:
        return f"{entities / seconds:,.0f} entities/s ({entities:,} in {seconds:.1f} s)"

    before, after = found["peak_before"] / 2**20, found["peak_after"] / 2**20
    return markdown(
        ["measurement", "result", "floor"],
        [
            [
                "pushed: `POST /receiver`, batches of 1,000",
                rate(found["push"]),
                f"`COPY entities FROM STDIN`: {rate(found['copy_in'])}",
            ],
            [
                "pulled: `GET /entities`, the whole feed streamed and parsed",
                rate(found["pull"]),
                f"`COPY (SELECT body::text …) TO STDOUT`: {rate(found['copy_out'])}",
            ],
            [
                f"the gunicorn worker's peak memory (VmHWM) after serving a {big:,}-entity feed "
                f"({found['big_bytes'] / 2**20:,.0f} MB of JSON)",
                f"{after:.0f} MB (its peak before that pull, pushes included: {before:.0f} MB)",
                f"Sesam's default limit, 128 MB; the feed at {rate(found['big_pull'], big)}",
            ],
        ],
    )


def _kiln(*args: str, cwd: Path) -> str:
    done = subprocess.run([str(KILN), *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"kiln {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


if __name__ == "__main__":
    main()
