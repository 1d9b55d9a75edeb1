"""The project's procrastinate ``App``, as ``[tool.kiln] jobs`` names it (in the project's Python).

Loading it imports the jobs module, which registers the tasks, and checks every periodic
schedule: procrastinate parses one only when a worker is about to defer it, and a worker whose
schedule does not parse stops.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiln.errors import KilnError, UsageError

if TYPE_CHECKING:
    from procrastinate import App
    from procrastinate.tasks import Task

    from kiln.project import Project

EXAMPLE = "shop.jobs:queue"
CRON_FIX = (
    "write five fields, minute hour day-of-month month day-of-week: '0 3 * * *' is every day "
    "at 03:00, '*/5 * * * *' every five minutes"
)


def declared(project: Project) -> str:
    """``[tool.kiln] jobs``, or the error that says how to declare it."""
    if project.jobs is None:
        raise UsageError(
            "this project declares no background jobs",
            where=f"{project.root / 'pyproject.toml'} [tool.kiln]",
            fix=f'name its procrastinate App: jobs = "{EXAMPLE}" (README: "Background jobs")',
        )
    return project.jobs


def require_procrastinate(project: Project) -> str:
    """``[tool.kiln] jobs``, once procrastinate is known to be importable in this Python."""
    reference = declared(project)
    if importlib.util.find_spec("procrastinate") is None:
        raise UsageError(
            "the project declares background jobs, but procrastinate is not installed in this "
            "Python",
            where=f"pyproject.toml [tool.kiln] jobs = {reference!r}",
            fix='add "procrastinate>=3.10,<4" to the project\'s dependencies, then: '
            "pip install -e '.[dev]'",
        )
    return reference


def load_queue(project: Project) -> App:
    """The ``App`` the project declares, its tasks registered and its schedules checked."""
    reference = require_procrastinate(project)
    from procrastinate import App

    module_name, _, name = reference.partition(":")
    where = f"pyproject.toml [tool.kiln] jobs = {reference!r}"
    module = _import(module_name, project, where)
    queue = getattr(module, name, None)
    if not isinstance(queue, App):
        found = "nothing" if queue is None else f"a {type(queue).__name__}"
        raise UsageError(
            f"{module_name}.{name} is {found}, not a procrastinate App",
            where=where,
            fix=f"point jobs at the App the tasks are registered on, e.g. jobs = {EXAMPLE!r}",
        )
    queue.perform_import_paths()
    check_schedules(queue)
    return queue


def check_schedules(queue: App) -> None:
    """Every periodic schedule parses, else the error naming the task, its line and the fix."""
    from croniter import croniter

    for periodic in queue.periodic_registry.periodic_tasks.values():
        try:
            croniter(periodic.cron)
        except ValueError as error:  # every error of croniter is one
            raise UsageError(
                f"the periodic schedule {periodic.cron!r} of task {periodic.task.name} "
                f"does not parse: {error}",
                where=f"{source_of(periodic.task.func)} (@periodic(cron=...))",
                fix=CRON_FIX,
            ) from None


def find_task(queue: App, name: str, where: str) -> Task[Any, Any, Any]:
    """The task called ``name``: its full name, or its function's name when only one has it."""
    if name in queue.tasks:
        return queue.tasks[name]
    matches = {task.name: task for task in queue.tasks.values() if short_name(task.name) == name}
    if len(matches) == 1:
        return next(iter(matches.values()))
    if matches:
        raise UsageError(
            f"several tasks are called {name!r}: {', '.join(sorted(matches))}",
            where=where,
            fix="give the full name",
        )
    raise UsageError(
        f"no task is called {name!r}",
        where=where,
        fix=f"use one of: {', '.join(own_tasks(queue)) or '(the App has no tasks yet)'}",
    )


def own_tasks(queue: App) -> list[str]:
    """The project's task names, procrastinate's built-in ones and aliases left out."""
    names = {task.name for task in queue.tasks.values()}
    return sorted(name for name in names if not name.startswith("builtin:"))


def short_name(task_name: str) -> str:
    """``shop.jobs.send_welcome`` -> ``send_welcome``: what a test usually calls it."""
    return task_name.rpartition(".")[2]


def source_of(function: Any) -> str:
    """``src/shop/jobs.py:42``: where a function is defined, for a message."""
    try:
        path = Path(inspect.getsourcefile(function) or "?")
        return f"{_relative(path)}:{function.__code__.co_firstlineno}"
    except (TypeError, AttributeError):
        return repr(function)


def _import(module_name: str, project: Project, where: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        if isinstance(error, ModuleNotFoundError) and error.name == module_name:
            raise UsageError(
                f"there is no module {module_name!r} in this Python",
                where=where,
                fix="correct the name, or install the project: pip install -e '.[dev]'",
            ) from None
        raise KilnError(
            f"importing {module_name} failed: {error}",
            where=_failing_line(error, project) or where,
            fix="correct that import; a missing package goes into the project's dependencies "
            "(procrastinate among them), then: pip install -e '.[dev]'",
        ) from None


def _failing_line(error: BaseException, project: Project) -> str | None:
    """The last line of the project's own code the import went through."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename).resolve().is_relative_to(project.root.resolve())
    ]
    return f"{_relative(Path(frames[-1].filename))}:{frames[-1].lineno}" if frames else None


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
