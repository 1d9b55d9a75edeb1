"""``kiln init`` in a project whose environment lacks kiln: it says where the tests will run and
that the project's dev dependencies take kiln's core, not the templates extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from adopted_project import copy_project


def test_init_names_the_dev_dependency_when_kiln_is_missing(tmp_path: Path) -> None:
    project = copy_project("dotted", tmp_path / "dotted")
    venv = project.root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)

    done = project.kiln("init", "--dry-run")

    assert done.returncode == 0, done.stdout + done.stderr
    python = venv / "bin/python"
    assert f"[warn] kiln is not installed in {python}, where the project's tests run" in done.stdout
    assert (
        "fix: add flask-kiln (not flask-kiln[templates]) to the project's dev dependencies, and "
        f"install it there: {python} -m pip install flask-kiln"
    ) in done.stdout
