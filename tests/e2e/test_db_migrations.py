"""Migrations and data on a generated api project, installed as a user installs it.

Each test changes the project (models, migration files, the development database); the ``shop``
fixture puts it back afterwards, so every test starts from the project ``kiln new`` made.
"""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from generated_projects import Installed, install_progress
from kiln_cli import user_environ

from kiln.postgres import EmbeddedServer
from kiln.project import find_project

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("migrating")]

DEV = "shop_development"
# What a project's own recreate_db script does: the tables straight from the models.
CREATE_ALL = (
    "from shop.app import create_app\n"
    "from shop.extensions import db\n"
    "with create_app('development').app_context():\n"
    "    db.create_all()\n"
)
FIRST = "d51a5c6439dc"  # the template's first migration; later ones follow it
BIO = "    bio: Mapped[str | None] = mapped_column(String(200))\n"
MIGRATION = '''"""{message}

Revision ID: {revision}
Revises: {parent}
"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{parent}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("{column}", sa.String(200), nullable={nullable}))


def downgrade() -> None:
    op.drop_column("users", "{column}")
'''


@dataclass
class Shop:
    """The installed project, with what the tests need to change it and look inside."""

    project: Installed

    @property
    def root(self) -> Path:
        return self.project.root

    @property
    def versions(self) -> Path:
        return self.root / "migrations" / "versions"

    @property
    def head(self) -> str:
        """The template's newest migration: the one no other migration revises."""
        texts = [path.read_text() for path in self.versions.glob("*.py")]
        revisions = {re.search(r'^revision = "(\w+)"', text, re.MULTILINE)[1] for text in texts}
        parents = {p for text in texts for p in re.findall(r'^down_revision = "(\w+)"', text, re.M)}
        [head] = revisions - parents
        return head

    def kiln(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.project.kiln(*args)

    def add_bio_to_the_model(self) -> None:
        models = self.root / "src/shop/models.py"
        text = models.read_text()
        models.write_text(
            text.replace("    active: Mapped[bool]", BIO + "    active: Mapped[bool]")
        )

    def write_migration(
        self, revision: str, column: str, parent: str, nullable: bool = True
    ) -> Path:
        """A migration adding ``column`` to users, after ``parent``."""
        path = self.versions / f"{revision}_add_{column}.py"
        message = f"Add {column} to users"
        path.write_text(
            MIGRATION.format(
                message=message, revision=revision, parent=parent, column=column, nullable=nullable
            )
        )
        return path

    def columns(self, database: str = DEV) -> list[str]:
        with self.server.connect(database) as connection:
            rows = connection.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'users' ORDER BY ordinal_position"
            ).fetchall()
        return [name for (name,) in rows]

    def sql(self, statement: str, database: str = DEV) -> list[tuple]:
        with self.server.connect(database) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def databases(self) -> set[str]:
        return {name for (name,) in self.sql("SELECT datname FROM pg_database", "postgres")}

    @property
    def server(self) -> EmbeddedServer:
        return EmbeddedServer(find_project(self.root))


@pytest.fixture
def shop(migrating_project: Installed) -> Iterator[Shop]:
    """The project as generated; models, migrations and the development database restored after."""
    root = migrating_project.root
    models = (root / "src/shop/models.py").read_text()
    versions = set((root / "migrations/versions").glob("*.py"))
    yield Shop(migrating_project)
    (root / "src/shop/models.py").write_text(models)
    for path in set((root / "migrations/versions").glob("*.py")) - versions:
        path.unlink()
    shutil.rmtree(root / "migrations/versions/__pycache__", ignore_errors=True)
    assert migrating_project.kiln("db", "drop", "--yes").returncode == 0


def test_kiln_new_installed_it_with_pip_when_asked(migrating_project: Installed) -> None:
    assert migrating_project.result.stderr.splitlines() == install_progress(
        migrating_project, "pip"
    )


def test_db_up_leaves_the_database_created_and_migrated(shop: Shop) -> None:
    up = shop.kiln("db", "up")
    assert up.returncode == 0, up.stderr
    assert up.stdout == shop.server.url(DEV) + "\n"
    assert f"kiln: created database {DEV}\n" in up.stderr
    assert f"kiln: migrated {DEV}: base -> {FIRST}, Create the users table.\n" in up.stderr
    assert "email" in shop.columns()
    again = shop.kiln("db", "up")
    assert (again.returncode, again.stderr) == (0, "kiln: PostgreSQL is already running\n")


def test_migrate_upgrade_downgrade_upgrade_with_check_along_the_way(shop: Shop) -> None:
    head = shop.head
    upgraded = shop.kiln("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    steps = upgraded.stdout.splitlines()
    assert steps[0] == f"upgraded {DEV}: base -> {FIRST}, Create the users table."
    assert f" -> {head}, " in steps[-1]
    clean = shop.kiln("db", "check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"[  ok] the models match the migrations (head {head})" in clean.stdout
    assert f"[  ok] {DEV} is up to date (at {head})" in clean.stdout

    shop.add_bio_to_the_model()
    drift = shop.kiln("db", "check")
    assert drift.returncode == 1
    assert "[FAIL] the models and the migrations differ (1 difference):" in drift.stdout
    assert "- column users.bio (VARCHAR(200)): in the models, no migration adds it" in drift.stdout
    assert "fix: write the missing migration: kiln db migrate -m" in drift.stdout
    assert "1 problem(s) found." in drift.stderr

    migrated = shop.kiln("db", "migrate", "-m", "Add a bio to users")
    assert migrated.returncode == 0, migrated.stderr
    written = re.fullmatch(
        r"wrote migrations/versions/(\w+)_add_a_bio_to_users\.py\n", migrated.stdout
    )
    assert written, migrated.stdout
    bio = written[1]
    assert "detected added column 'users.bio'" in migrated.stderr
    assert "then: kiln db upgrade" in migrated.stderr
    lint = subprocess.run(
        [
            str(shop.project.bin / "ruff"),
            "check",
            f"migrations/versions/{bio}_add_a_bio_to_users.py",
        ],
        cwd=shop.root,
        check=False,
    )
    assert lint.returncode == 0
    assert "bio" not in shop.columns(), "migrate must not touch the development database"

    behind = shop.kiln("db", "check")
    assert behind.returncode == 1
    assert f"[  ok] the models match the migrations (head {bio})" in behind.stdout
    assert f"[FAIL] {DEV} is at {head}, behind the latest migration {bio}" in behind.stdout
    assert "fix: kiln db upgrade" in behind.stdout

    assert (
        shop.kiln("db", "upgrade").stdout
        == f"upgraded {DEV}: {head} -> {bio}, Add a bio to users\n"
    )
    assert "bio" in shop.columns()
    assert shop.kiln("db", "check").returncode == 0

    downgraded = shop.kiln("db", "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr
    assert downgraded.stdout == f"downgraded {DEV}: {bio} -> {head}, Add a bio to users\n"
    assert "bio" not in shop.columns()
    current = shop.kiln("db", "current")
    assert current.stdout == f"{head}\n"
    assert f"{DEV} is behind the latest migration: kiln db upgrade" in current.stderr

    assert shop.kiln("db", "upgrade").returncode == 0
    assert "bio" in shop.columns()
    history = shop.kiln("db", "history").stdout.splitlines()
    assert history[0] == f"{head} -> {bio} (head) (current), Add a bio to users"
    assert history[-1] == f"<base> -> {FIRST}, Create the users table."


def test_migrate_with_nothing_to_do_says_so_and_writes_nothing(shop: Shop) -> None:
    before = sorted(shop.versions.glob("*.py"))

    result = shop.kiln("db", "migrate", "-m", "Nothing")

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "No changes: the models match the migrations, so no migration was written.\n"
    )
    assert "Alembic sees only the models imported when the app is built" in result.stderr
    assert sorted(shop.versions.glob("*.py")) == before


def test_two_heads_are_explained_and_merged(shop: Shop) -> None:
    head = shop.head
    shop.write_migration("b10000000001", "bio", head)
    shop.write_migration("c20000000002", "nickname", head)

    upgrade = shop.kiln("db", "upgrade")

    assert upgrade.returncode == 1
    assert "error: migrations/versions/: the migrations have more than one head" in upgrade.stderr
    assert "fix: join them with a merge migration: kiln db merge, then kiln db upgrade" in (
        upgrade.stderr
    )
    assert "Traceback" not in upgrade.stderr
    check = shop.kiln("db", "check")
    assert check.returncode == 1
    assert "the migrations have more than one head" in check.stderr

    merged = shop.kiln("db", "merge")
    assert merged.returncode == 0, merged.stderr
    assert re.fullmatch(r"wrote migrations/versions/\w+_merge_the_heads\.py\n", merged.stdout)
    upgraded = shop.kiln("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Merge the heads" in upgraded.stdout.splitlines()[-1]
    assert {"bio", "nickname"} <= set(shop.columns())
    again = shop.kiln("db", "merge")
    assert again.returncode == 2
    assert "nothing to merge: the migrations have a single head" in again.stderr


def test_revisions_that_do_not_exist(shop: Shop) -> None:
    typed = shop.kiln("db", "upgrade", "bogus")
    assert typed.returncode == 2
    assert "error: kiln db upgrade bogus: no migration has the revision 'bogus'" in typed.stderr
    assert "kiln db history" in typed.stderr

    applied = shop.write_migration("b10000000001", "bio", shop.head)
    assert shop.kiln("db", "upgrade").returncode == 0
    applied.unlink()  # as when switching to a branch without it

    for command in (["upgrade"], ["current"]):
        result = shop.kiln("db", *command)
        assert result.returncode == 1
        assert (
            f"{DEV} is at revision b10000000001, which no file in migrations/versions/ defines"
            in result.stderr
        )
        assert "kiln db recreate" in result.stderr
    check = shop.kiln("db", "check")
    assert check.returncode == 1
    assert f"[FAIL] {DEV} is at revision b10000000001, which no file" in check.stdout


def test_a_database_built_with_create_all(shop: Shop) -> None:
    shop.kiln("db", "create")
    subprocess.run(
        [str(shop.project.bin / "python"), "-c", CREATE_ALL],
        cwd=shop.root,
        env=user_environ({"DATABASE_URL": shop.server.url(DEV)}),
        check=True,
    )
    explained = "but no record of any migration: it was built with create_all or by hand"

    check = shop.kiln("db", "check")
    assert check.returncode == 1
    assert f"[FAIL] {DEV} has tables (" in check.stdout
    assert explained in check.stdout
    assert "kiln db stamp head" in check.stdout
    serve_would = shop.kiln("db", "upgrade")
    assert serve_would.returncode == 1
    assert explained in serve_would.stderr
    assert "Traceback" not in serve_would.stderr

    stamped = shop.kiln("db", "stamp", "head")
    assert stamped.stdout == f"stamped {DEV}: base -> {shop.head} (nothing ran)\n"
    assert shop.kiln("db", "check").returncode == 0


def test_a_migration_that_fails_on_the_rows_there(shop: Shop) -> None:
    head = shop.head
    shop.kiln("db", "upgrade")
    shop.sql("INSERT INTO users (username, email) VALUES ('ada', 'ada@example.com')")
    shop.write_migration("b10000000001", "bio", head, nullable=False)

    result = shop.kiln("db", "upgrade")

    assert result.returncode == 1
    assert (
        f"error: migrations/versions/b10000000001_add_bio.py:17: migration b10000000001 (Add bio "
        f'to users) failed on {DEV}: column "bio" of relation "users" contains null values '
        "(NotNullViolation); PostgreSQL rolled back its changes"
    ) in result.stderr
    assert "server_default" in result.stderr
    assert "Traceback" not in result.stderr
    assert shop.kiln("db", "current").stdout == f"{head}\n"


def test_emails_that_differ_only_in_case_stop_the_migration_and_are_named(shop: Shop) -> None:
    before = "8c2091ba0269"  # the revision before emails became unique whatever their case
    assert shop.kiln("db", "upgrade", before).returncode == 0
    shop.sql(
        "INSERT INTO users (username, email) VALUES "
        "('ada', 'Ada@example.com'), ('grace', 'grace@example.com'), ('ada2', 'ada@EXAMPLE.com')"
    )

    result = shop.kiln("db", "upgrade")

    assert result.returncode == 1
    assert (
        "Emails must be unique whatever their case, but some are shared by several users: "
        "ada@example.com (users 1, 3). Nothing was changed or merged"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert shop.kiln("db", "current").stdout == f"{before}\n"
    assert len(shop.sql("SELECT id FROM users")) == 3


def test_seed_is_idempotent_and_recreate_empties(shop: Shop) -> None:
    first = shop.kiln("db", "seed")
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(rf"shop\.seed:seed_db added \d+ rows to {DEV}\n", first.stdout)
    again = shop.kiln("db", "seed")
    assert again.stdout == f"{DEV} already has the seed data: shop.seed:seed_db added nothing\n"
    assert shop.sql("SELECT username FROM users ORDER BY id") == [("ada",), ("grace",), ("linus",)]

    recreated = shop.kiln("db", "recreate", "--yes")

    assert recreated.returncode == 0, recreated.stderr
    lines = recreated.stdout.splitlines()
    assert lines[:3] == [
        f"dropped {DEV}",
        f"created {DEV}",
        f"migrated {DEV}: base -> {FIRST}, Create the users table.",
    ]
    assert f" -> {shop.head}, " in lines[-1]
    assert shop.sql("SELECT count(*) FROM users") == [(0,)]


def test_the_template_scenarios_come_and_go_without_a_trace(shop: Shop) -> None:
    listed = shop.kiln("scenario", "list")
    assert listed.stdout.splitlines() == [
        f"{name:<19}  {_summary(shop.root / 'scenarios' / f'{name}.py')}"
        for name in ("empty", "two_users_and_admin")
    ]
    shop.kiln("db", "up")
    before = shop.databases()

    up = shop.kiln("scenario", "up", "two_users_and_admin")

    assert up.returncode == 0, up.stderr
    rows = dict(line.split(None, 1) for line in up.stdout.splitlines())
    database = f"{DEV}_scenario_two_users_and_admin"
    assert rows["database"] == database
    psql = [*shlex.split(rows["psql"]), "-Atc", "SELECT username FROM users ORDER BY id"]
    listed_users = subprocess.run(psql, capture_output=True, text=True, check=True).stdout
    assert listed_users == "ada\ngrace\nadmin\n"
    assert shop.kiln("scenario", "up", "empty").returncode == 0
    assert shop.sql("SELECT count(*) FROM users", f"{DEV}_scenario_empty") == [(0,)]

    for name in ("two_users_and_admin", "empty"):
        down = shop.kiln("scenario", "down", name)
        assert down.stdout == f"dropped {DEV}_scenario_{name}\n"
    assert shop.databases() == before


def _summary(path: Path) -> str:
    """The first line of a module's docstring, which ``kiln scenario list`` shows."""
    return ast.get_docstring(ast.parse(path.read_text())).splitlines()[0]


def readme_steps(readme: str) -> list[str]:
    """The code of the README's "Adding a model and an endpoint", block by block, dedented."""
    section = readme.split("## Adding a model and an endpoint\n", 1)[1].split("\n## ", 1)[0]
    return [textwrap.dedent(block) for block in re.findall(r"```python\n(.*?)```", section, re.S)]


def test_the_readmes_new_endpoint_passes_the_generated_suite(shop: Shop) -> None:
    """A model and an endpoint added as the generated README says: the docs test, the fuzzer and
    the new test pass (the docs test once listed every operation by hand)."""
    model, schema, blueprint, test = readme_steps((shop.root / "README.md").read_text())
    package = shop.root / "src/shop"
    app, schemas = package / "app.py", package / "api/schemas.py"
    kept = {path: path.read_text() for path in (app, schemas)}
    added = [package / "api/tags.py", shop.root / "tests/functional/test_tags.py"]
    try:
        with (package / "models.py").open("a") as models:
            models.write(f"\n\n{model}")
        schemas.write_text(f"{kept[schemas]}\n\n{schema}")
        added[0].write_text(blueprint)
        added[1].write_text(test)
        registered = kept[app].replace("ping, todos, users", "ping, tags, todos, users")
        app.write_text(registered.replace("users, todos):", "users, todos, tags):"))
        assert "tags" in shop.kiln("flask", "routes").stdout

        migrated = shop.kiln("db", "migrate", "-m", "Add tags")
        assert migrated.returncode == 0, migrated.stderr
        assert "detected added table 'tags'" in migrated.stderr
        tests = [f"tests/functional/{name}.py" for name in ("test_tags", "test_docs", "test_fuzz")]
        result = shop.kiln("test", "-q", "--no-cov", *tests)
        assert result.returncode == 0, result.stdout + result.stderr
        lint = subprocess.run(
            [str(shop.project.bin / "ruff"), "check", "src", "tests"],
            cwd=shop.root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert lint.returncode == 0, lint.stdout
    finally:
        for path, text in kept.items():
            path.write_text(text)
        for path in added:
            path.unlink(missing_ok=True)
