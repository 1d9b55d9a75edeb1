"""References to models other than ``User``: what ``kiln generate resource`` plans for them,
and the references it refuses, in a project ``kiln new``'s own code made. The app's inventory
(a task run in the project's Python, tested end to end) is written out here."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.errors import UsageError
from kiln.generate import parse_resource, plan_resource
from kiln.generate.inventory import Column, Inventory, Model
from kiln.project import find_project
from kiln.scaffold import create_project

USER = Model("User", "shop.models", "users", (), owned=False)
TODO = Model(
    "Todo",
    "shop.models",
    "todos",
    (Column("title", "str"), Column("owner_id", "", "User", "owner")),
    owned=True,
)
# A model written by hand: no fixture makes its rows yet.
MESSAGE = Model(
    "Message",
    "shop.models",
    "messages",
    (Column("user_id", "", "User", "user"), Column("subject", "str"), Column("sent", "date")),
    owned=False,
)


def inventory(*models: Model) -> Inventory:
    every = {model.name: model for model in (USER, TODO, MESSAGE, *models)}
    tables = sorted(model.table for model in every.values())
    return Inventory(models=every, tables=tables, rules=["/todos"], blueprints=["todos"])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("references") / "shop"
    create_project("shop", directory=root)
    return root


def plan(project: Path, fields: list[str], *models: Model, access: str = "owner") -> dict[str, str]:
    resource = parse_resource("Note", fields, access, None)
    planned = plan_resource(find_project(project), resource, inventory(*models))
    files = {**planned.new_files, **planned.changed_files}
    return {str(path.relative_to(project)): text for path, text in files.items()}


def test_a_reference_to_a_model_with_a_fixture_uses_it(project: Path) -> None:
    files = plan(project, ["text:text", "todo:Todo"])

    model = files["src/shop/models.py"]
    assert (
        'todo_id: Mapped[int] = mapped_column(ForeignKey("todos.id", ondelete="CASCADE")' in model
    )
    assert "    todo: Mapped[Todo] = relationship()\n" in model
    conftest = files["tests/conftest.py"]
    assert "def make_note(db: SQLAlchemy, make_todo: Callable[..., Todo])" in conftest
    assert "        todo = make_todo(user)\n" in conftest  # make_todo takes no second=
    assert "def make_todo(" not in conftest.split("def make_note")[1]
    # Todos are their owners' own: another user's does not exist for a note's owner either.
    assert "Todo.owner_id == current_user().id" in files["src/shop/api/notes.py"]
    assert (
        "def test_someone_elses_todo_does_not_exist_for_you("
        in files["tests/functional/test_notes.py"]
    )
    scenario = files["scenarios/notes.py"]
    assert 'todo = Todo(title="Title one", owner=ada)' in scenario
    assert "todo=todo," in scenario


def test_a_model_written_by_hand_gets_a_fixture_for_its_rows(project: Path) -> None:
    files = plan(project, ["text:text", "message:Message?"], access="admin")

    conftest = files["tests/conftest.py"]
    assert "def make_message(db: SQLAlchemy) -> Callable[..., Message]:" in conftest
    assert '            subject="Subject two" if second else "Subject one",\n' in conftest
    assert "            user=user,\n" in conftest
    assert "from datetime import date" in conftest
    assert "message = make_message(user, second=second)" in conftest
    # Admins may refer to any row: no owner to check.
    assert "db.session.get(Message, message_id) is None" in files["src/shop/api/notes.py"]


@pytest.mark.parametrize(
    ("fields", "models", "reason"),
    [
        (
            ["blog:Blog"],
            [Model("Blog", "shop.blogs", "blogs", (), owned=False)],
            "Blog is defined in shop.blogs, and kiln refers only to the models of shop.models",
        ),
        (
            ["post:Post"],
            [
                Model(
                    "Post", "shop.models", "posts", (Column("todo_id", "", "Todo", "todo"),), False
                )
            ],
            "its column todo_id refers to Todo (kiln makes rows one reference deep)",
        ),
        (
            ["post:Post"],
            [Model("Post", "shop.models", "posts", (Column("shape", ""),), owned=False)],
            "its column shape has a type kiln has no sample value for",
        ),
    ],
)
def test_references_kiln_cannot_make_rows_for_are_refused(
    project: Path, fields: list[str], models: list[Model], reason: str
) -> None:
    with pytest.raises(UsageError) as refused:
        plan(project, ["text:text", *fields], *models)

    assert reason in str(refused.value)
