"""Before a worker starts: the jobs load, the queue is installed, the app has a worker command.

One kiln task in the project's Python checks what would otherwise stop a worker with a traceback
(or, for a schedule, only when it comes due), and finds the queued jobs whose task the App no
longer has, which the worker would fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiln.errors import UsageError
from kiln.jobs.queue import declared
from kiln.jobs.schema import queue_database
from kiln.runner import tasks

if TYPE_CHECKING:
    from flask import Flask

    from kiln.context import ProjectContext

WORKER_COMMAND = "worker"


@dataclass(frozen=True)
class Queue:
    """What the worker will find: its tasks, their schedules, jobs waiting for missing tasks."""

    tasks: list[str]
    schedules: dict[str, str]
    orphans: dict[str, int]

    def summary(self) -> str:
        """``send_welcome, purge_old_messages (0 3 * * *)``."""
        named = [
            f"{task} ({self.schedules[task]})" if task in self.schedules else task
            for task in self.tasks
        ]
        return ", ".join(named) or "no tasks yet"

    def warnings(self) -> list[str]:
        return [
            f"{count} queued job{'s' * (count > 1)} name{'s' * (count == 1)} the task {name}, "
            f"which the App no longer has: a worker fails {'them' if count > 1 else 'it'}. "
            f"Keep the old name working with @queue.task(aliases=[{name!r}]), or cancel "
            f"{'them' if count > 1 else 'it'}: kiln jobs list --task {name}, kiln jobs cancel ID"
            for name, count in sorted(self.orphans.items())
        ]


def inspect_queue(ctx: ProjectContext) -> Queue:
    """Check the project's jobs on the context's database, in the project's Python."""
    reference = declared(ctx.project)
    found = tasks.call(
        ctx,
        describe_queue,
        failure=f"loading the jobs ({reference}) failed",
        where=f"pyproject.toml [tool.kiln] jobs = {reference!r}",
    )
    return Queue(**found)


def describe_queue(app: Flask, args: list[str]) -> dict[str, Any]:
    """The task: load the App (schedules checked), then look at the database and the app."""
    from sqlalchemy import text

    from kiln.jobs.queue import load_queue, own_tasks, short_name
    from kiln.project import find_project

    project = find_project()
    queue = load_queue(project)
    db = queue_database(app)
    if WORKER_COMMAND not in app.cli.commands:
        raise UsageError(
            f"the app has no `flask {WORKER_COMMAND}` command, which kiln runs as the worker",
            where=f"the app factory ({project.factory})",
            fix="register one, as the api template's queue.py does: queue.init_app(app) adds "
            "`flask worker` (kiln new NAME shows it)",
        )
    waiting = db.session.execute(
        text(
            "SELECT task_name, count(*) FROM procrastinate_jobs WHERE status = 'todo' "
            "GROUP BY task_name"
        )
    ).all()
    return {
        "tasks": [short_name(name) for name in own_tasks(queue)],
        "schedules": {
            short_name(periodic.task.name): periodic.cron
            for periodic in queue.periodic_registry.periodic_tasks.values()
        },
        "orphans": {name: count for name, count in waiting if name not in queue.tasks},
    }
