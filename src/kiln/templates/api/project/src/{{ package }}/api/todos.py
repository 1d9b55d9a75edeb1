"""``/todos``: the caller's own todos. Another user's todo answers 404, as if it did not exist.

- ``GET /todos`` answers a JSON array, one page at a time (pagination.py); ``?done=true`` or
  ``?done=false`` keeps the todos done or not.
- ``PUT /todos/<id>`` changes only the fields sent (a partial update).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, url_for
from sqlalchemy import select

from ..extensions import db
from ..models import Todo
from .access import current_user
from .blueprint import Blueprint
from .pagination import HEADERS, page_of
from .schemas import TodoChangesSchema, TodoFilterSchema, TodoSchema

blp = Blueprint("todos", __name__, url_prefix="/todos", description="Your todos, yours only")

TODO_ID = "<int(min=1, max=2147483647):todo_id>"
LOCATION = {"Location": {"description": "The new todo's URL", "schema": {"type": "string"}}}


@blp.get("")
@blp.login_required
@blp.arguments(TodoFilterSchema, location="query")
@blp.response(200, TodoSchema(many=True), headers=HEADERS)
def list_todos(args: dict[str, Any]) -> tuple[Sequence[Todo], dict[str, str]]:
    """List your todos, oldest first, one page at a time."""
    query = select(Todo).where(Todo.owner_id == current_user().id).order_by(Todo.id)
    if args.get("done") is not None:
        query = query.where(Todo.done == args["done"])
    return page_of(query, args)


@blp.post("")
@blp.login_required
@blp.arguments(TodoSchema)
@blp.response(201, TodoSchema, headers=LOCATION)
def create_todo(fields: dict[str, Any]) -> tuple[Todo, dict[str, str]]:
    """Add a todo to your list."""
    todo = Todo(owner=current_user(), **fields)
    db.session.add(todo)
    db.session.flush()
    return todo, {"Location": url_for("todos.get_todo", todo_id=todo.id)}


@blp.get(f"/{TODO_ID}")
@blp.login_required
@blp.response(200, TodoSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_todo(todo_id: int) -> Todo:
    """Read one of your todos."""
    return _yours_or_404(todo_id)


@blp.put(f"/{TODO_ID}")
@blp.login_required
@blp.arguments(TodoChangesSchema)
@blp.response(200, TodoSchema)
@blp.alt_response(404, response="NOT_FOUND")
def update_todo(changes: dict[str, Any], todo_id: int) -> Todo:
    """Change the fields sent of one of your todos."""
    todo = _yours_or_404(todo_id)
    for name, value in changes.items():
        setattr(todo, name, value)
    db.session.flush()
    return todo


@blp.delete(f"/{TODO_ID}")
@blp.login_required
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
def delete_todo(todo_id: int) -> None:
    """Delete one of your todos."""
    db.session.delete(_yours_or_404(todo_id))


def _yours_or_404(todo_id: int) -> Todo:
    todo = db.session.scalar(
        select(Todo).where(Todo.id == todo_id, Todo.owner_id == current_user().id)
    )
    if todo is None:
        abort(404, description=f"Todo {todo_id} does not exist")
    return todo
