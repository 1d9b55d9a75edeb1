"""kiln installed without its ``templates`` extra (as in an adopted project's environment):
the commands that render templates say how to get copier, in plain words, and nothing else
changes. The lowest-versions test (tests/e2e) runs the same against a real core-only install;
here copier is hidden from a kiln that has it, which Python treats as not installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from kiln_cli import user_environ

# sys.modules["copier"] = None: importlib finds no copier, as when it is not installed.
WITHOUT_COPIER = "import sys; sys.modules['copier'] = None; from kiln.cli import main; main()"
FIX = "  fix: pip install 'flask-kiln[templates]' where kiln runs (installed with pipx: "


def kiln_without_copier(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_COPIER, *args],
        cwd=cwd,
        env=user_environ(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "command"),
    [(["new", "shop", "--no-input", "--no-venv"], "kiln new"), (["update"], "kiln update")],
)
def test_rendering_without_copier_names_the_extra(
    tmp_path: Path, args: list[str], command: str
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.kiln]\napp = "shop:create_app"\n')
    done = kiln_without_copier(*args, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.splitlines()[:2] == [
        f"error: {command}: {command} renders the project templates with copier, which this "
        "kiln was installed without (it comes with kiln's templates extra)",
        FIX + "pipx install --force 'flask-kiln[templates]')",
    ]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "shop").exists()
