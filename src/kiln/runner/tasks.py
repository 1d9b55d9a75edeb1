"""kiln's own work inside the project's app, done in a child process: a *task*.

A task is a function ``task(app, args) -> result`` that runs inside the app's context. The parent
names it by the function object (``call(ctx, compare, ...)``), so a rename breaks at import, not
at run time; the child (``python -m kiln.runner MODULE:FUNCTION ENV ARGS…``) builds the app,
runs the task and prints its JSON result, or the ``KilnError`` it raised, as its last line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kiln.errors import KilnError, UsageError
from kiln.runner.commands import capture, python_argv
from kiln.runner.process import last_lines

if TYPE_CHECKING:
    from flask import Flask

    from kiln.context import ProjectContext

Task = Callable[["Flask", list[str]], Any]
_RESULT = "kiln-result: "
_ERROR = "kiln-error: "


def call(ctx: ProjectContext, task: Task, *args: str, failure: str, where: str) -> Any:
    """Run ``task`` in the project's app on the context's database and return its result.

    A ``KilnError`` the task raised comes back as it was; a crash (the project's code failing)
    becomes ``failure`` with the end of its output.
    """
    reference = f"{task.__module__}:{task.__qualname__}"
    argv = python_argv(ctx, "-m", "kiln.runner", reference, ctx.config.env, *args)
    done = capture(ctx, argv)
    lines = done.stdout.splitlines()
    if problem := _last(lines, _ERROR):
        error_class = UsageError if problem.pop("usage") else KilnError
        raise error_class(problem.pop("what"), **problem)
    if done.returncode == 0 and (result := _last(lines, _RESULT)) is not None:
        return result["value"]
    raise KilnError(
        f"{failure}:\n{last_lines(done.stdout + done.stderr)}",
        where=where,
        fix="correct the error above, then run the command again",
    )


def run(argv: Sequence[str]) -> None:
    """The child's side: build the app for the environment, run the task in its context, print."""
    import os

    from kiln.postgres.variables import match_installed_driver
    from kiln.project import find_project
    from kiln.runner.app import create_app, import_reference

    reference, env, *args = argv
    try:
        project = find_project()
        if project.adopted:  # kiln's own projects name their driver themselves
            match_installed_driver(os.environ)
        task = import_reference(reference)
        app = create_app(project, env)
        with app.app_context():
            result = task(app, args)
    except KilnError as error:
        problem = error.problems[0]
        usage = isinstance(error, UsageError)
        fields = {"what": problem.what, "where": problem.where, "fix": problem.fix, "usage": usage}
        print(_ERROR + json.dumps(fields), flush=True)
        sys.exit(error.exit_code)
    print(_RESULT + json.dumps({"value": result}), flush=True)


def _last(lines: list[str], prefix: str) -> Any:
    """The JSON after the last line starting with ``prefix`` (the app may print lines too)."""
    found = [line.removeprefix(prefix) for line in lines if line.startswith(prefix)]
    return json.loads(found[-1]) if found else None
