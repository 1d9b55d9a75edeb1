"""The project's code in a child process: its Python, its environment's settings, its database.

Commands that build the app (``flask db …``, a seed function, a scenario) run it in a child, as
``flask`` would, so the app's imports, logging and engines stay out of kiln's own process. A kiln
task (``python -m kiln.seeding ENV``) prints its result as one JSON line that the parent reads.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kiln.errors import KilnError, UsageError
from kiln.process import last_lines
from kiln.serving import flask_environ

if TYPE_CHECKING:
    from flask import Flask

    from kiln.context import ProjectContext

_RESULT = "kiln-result: "
_ERROR = "kiln-error: "


def capture(ctx: ProjectContext, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in the project's folder with the app's environment; output captured."""
    return subprocess.run(
        list(argv),
        cwd=ctx.project.root,
        env=flask_environ(ctx),
        capture_output=True,
        text=True,
        check=False,
    )


def call(ctx: ProjectContext, module: str, *args: str, failure: str, where: str) -> Any:
    """Run the kiln task ``module`` on the context's database and return its result.

    A ``KilnError`` the task raised comes back as it was; a crash (the project's code failing)
    becomes ``failure`` with the end of its output.
    """
    done = capture(ctx, [sys.executable, "-m", module, ctx.config.env, *args])
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


def main(task: Callable[[Flask, list[str]], Any]) -> None:
    """The child's side: build the app for ``argv[1]``, run ``task`` in its context, print."""
    from kiln.flaskapp import create_app
    from kiln.project import find_project

    env, *args = sys.argv[1:]
    try:
        app = create_app(find_project(), env)
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
