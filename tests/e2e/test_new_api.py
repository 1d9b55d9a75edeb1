"""``kiln new`` with the api template, through the real CLI: files, lint, answers, git, advice."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from generated_projects import Generated, kiln_new

from kiln import __version__

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kiln-new")]

KILN_ROOT = Path(__file__).resolve().parents[2]

LAYOUT = [
    ".copier-answers.yml",
    ".dockerignore",
    ".github/workflows/ci.yml",
    ".gitignore",
    "Dockerfile",
    "README.md",
    "compose.yaml",
    "gunicorn.conf.py",
    "migrations/alembic.ini",
    "migrations/env.py",
    "migrations/script.py.mako",
    "migrations/versions/5f5611e0c3d4_match_emails_whatever_their_case.py",
    "migrations/versions/5b1e0c9a7f42_add_the_job_queue.py",
    "migrations/versions/8c2091ba0269_add_passwords_admins_and_todos.py",
    "migrations/versions/bd27c49055f7_add_the_messages.py",
    "migrations/versions/d51a5c6439dc_create_the_users_table.py",
    "migrations/versions/fe1aa2a5d700_keep_logins_and_failed_logins.py",
    "pyproject.toml",
    "requirements-dev.txt",
    "scenarios/empty.py",
    "scenarios/two_users_and_admin.py",
    "src/shop/__init__.py",
    "src/shop/accounts.py",
    "src/shop/admin.py",
    "src/shop/api/__init__.py",
    "src/shop/api/access.py",
    "src/shop/api/auth.py",
    "src/shop/api/blueprint.py",
    "src/shop/api/fields.py",
    "src/shop/api/health.py",
    "src/shop/api/pagination.py",
    "src/shop/api/ping.py",
    "src/shop/api/schemas.py",
    "src/shop/api/todos.py",
    "src/shop/api/users.py",
    "src/shop/app.py",
    "src/shop/bodies.py",
    "src/shop/config.py",
    "src/shop/database_health.py",
    "src/shop/errors.py",
    "src/shop/extensions.py",
    "src/shop/healthcheck.py",
    "src/shop/login_throttle.py",
    "src/shop/jobs.py",
    "src/shop/logs.py",
    "src/shop/models.py",
    "src/shop/openapi.py",
    "src/shop/password_policy.py",
    "src/shop/passwords.py",
    "src/shop/security_headers.py",
    "src/shop/queue.py",
    "src/shop/seed.py",
    "src/shop/settings.py",
    "src/shop/templates/swagger_ui.html",
    "src/shop/token_families.py",
    "src/shop/tokens.py",
    "src/shop/transactions.py",
    "tests/conftest.py",
    "tests/functional/test_admin.py",
    "tests/functional/test_auth.py",
    "tests/functional/test_docs.py",
    "tests/functional/test_errors.py",
    "tests/functional/test_fuzz.py",
    "tests/functional/test_headers.py",
    "tests/functional/test_health.py",
    "tests/functional/test_healthcheck.py",
    "tests/functional/test_login_throttle.py",
    "tests/functional/test_jobs.py",
    "tests/functional/test_ping.py",
    "tests/functional/test_production_server.py",
    "tests/functional/test_scenarios.py",
    "tests/functional/test_seed.py",
    "tests/functional/test_sessions.py",
    "tests/functional/test_todos.py",
    "tests/functional/test_unavailable.py",
    "tests/functional/test_users.py",
    "tests/unit/test_config.py",
    "tests/unit/test_logs.py",
    "tests/unit/test_password_policy.py",
    "tests/unit/test_passwords.py",
    "tests/unit/test_schemas.py",
    "tests/unit/test_tokens.py",
    "wsgi.py",
]


def files(root: Path) -> list[str]:
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(root).parts
    )


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def assert_lint_clean(root: Path) -> None:
    for command in (["check"], ["format", "--check"]):
        result = ruff(*command, cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_layout(generated_project: Generated) -> None:
    assert files(generated_project.root) == sorted(LAYOUT)


def test_the_generated_code_passes_ruff_as_generated(generated_project: Generated) -> None:
    assert_lint_clean(generated_project.root)


def test_the_answers_file_records_template_kiln_version_and_answers(
    generated_project: Generated,
) -> None:
    answers = yaml.safe_load((generated_project.root / ".copier-answers.yml").read_text())

    assert answers["kiln_template"] == "api"
    assert answers["kiln_version"] == __version__
    assert (answers["name"], answers["package"]) == ("shop", "shop")


def test_pyproject_points_kiln_at_the_factory_the_seed_and_the_jobs(
    generated_project: Generated,
) -> None:
    text = (generated_project.root / "pyproject.toml").read_text()

    assert 'app = "shop:create_app"' in text
    assert 'seed = "shop.seed:seed_db"' in text
    assert 'jobs = "shop.jobs:queue"' in text
    assert f'"flask-kiln[templates]>={__version__}"' in text
    assert "psycopg2" not in text


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_git_repository_is_started_with_nothing_committed(generated_project: Generated) -> None:
    root = generated_project.root
    assert (root / ".git").is_dir()
    log = subprocess.run(["git", "log"], cwd=root, capture_output=True, text=True, check=False)
    assert log.returncode != 0  # no commits yet
    assert "Started a git repository" in generated_project.result.stdout


def test_it_prints_the_next_commands(generated_project: Generated) -> None:
    lines = generated_project.result.stdout.splitlines()

    start = lines.index("Next:")
    assert lines[start + 1 : start + 5] == [
        f"  cd {generated_project.root}",
        "  python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements-dev.txt"
        "    # once",
        "  kiln test",
        "  kiln serve",
    ]
    assert generated_project.result.stderr == ""  # --no-venv: nothing installed, no progress


def test_requirements_dev_installs_the_project_and_this_kiln(generated_project: Generated) -> None:
    text = (generated_project.root / "requirements-dev.txt").read_text()
    requirements = [line for line in text.splitlines() if not line.startswith("#")]

    # This test run's kiln is an editable install of this checkout: the project's is too.
    assert requirements == ["-e .[dev]", f"-e {KILN_ROOT.as_uri()}[templates]"]
    assert "CI and `docker build` cannot reach" in text
    assert (
        f"Its requirements-dev.txt installs kiln {__version__}, editable, from "
        f"{KILN_ROOT.as_uri()}: a path that CI and docker build cannot reach"
    ) in generated_project.result.stdout


def test_an_install_that_fails_keeps_the_files_and_says_how_to_retry(tmp_path: Path) -> None:
    offline = {"UV_OFFLINE": "1", "UV_CACHE_DIR": str(tmp_path / "empty-cache")}

    result = kiln_new("shop", "--no-input", cwd=tmp_path, env=offline)

    assert result.returncode == 1
    progress, error, *output = result.stderr.splitlines()
    assert progress.startswith("kiln: creating shop/.venv (Python ")
    assert error == (
        "error: shop/.venv: creating the virtualenv with uv failed (exit code 2); "
        "the end of its output:"
    )
    assert any("network was disabled" in line for line in output)
    assert output[-1] == (
        "  fix: the project's files are in place: fix the cause above, then run: cd shop && "
        "python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements-dev.txt "
        "(pip reads pip.conf, uv does not)"
    )
    assert "Traceback" not in result.stderr
    assert (tmp_path / "shop" / "pyproject.toml").is_file()
    assert not (tmp_path / "shop" / ".venv").exists()
    assert "Next:" not in result.stdout


def test_an_empty_existing_folder_is_used(tmp_path: Path) -> None:
    result = kiln_new("shop", "--directory", ".", "--no-input", "--no-venv", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "src" / "shop" / "app.py").is_file()
    assert "  cd ." in result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_folder_with_only_a_git_repository_is_used_and_kept(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    head = (tmp_path / ".git" / "HEAD").read_text()

    result = kiln_new("shop", "--directory", str(tmp_path), "--no-input", "--no-venv", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Started a git repository" not in result.stdout
    assert (tmp_path / ".git" / "HEAD").read_text() == head


def test_a_non_empty_folder_is_refused_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "app.py").write_text("mine")

    result = kiln_new("shop", "--no-input", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("error: shop: the folder is not empty (it holds app.py)")
    assert "Traceback" not in result.stderr
    assert (tmp_path / "shop" / "app.py").read_text() == "mine"


def test_a_bad_name_is_refused_through_the_cli(tmp_path: Path) -> None:
    result = kiln_new("json", "--no-input", cwd=tmp_path)

    assert result.returncode == 2
    assert "standard library" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_longest_name_still_passes_ruff(tmp_path: Path) -> None:
    name = "a-very-long-project-name-that-is-still-short-enough"
    result = kiln_new(name, "--no-input", "--no-venv", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert_lint_clean(tmp_path / name)
