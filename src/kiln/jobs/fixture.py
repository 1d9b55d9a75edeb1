"""What the ``jobs`` fixture gives a test: the project's jobs, deferred and run in the test.

Jobs are deferred into the test's transaction (the App's connector is swapped for one on the
test's session, so application code defers as it always does) and run synchronously, in the
test's thread, in the order a worker would take them, only when the test says so. A job's writes
are committed when it succeeds and rolled back when it fails, as the worker does; the test's own
rollback removes everything at the end. Nothing sleeps and nothing polls: a job scheduled for
later, or a retry after its backoff, runs when the test asks for it (``run(scheduled=True)``).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job, Status
from procrastinate.middleware import compose

from kiln.errors import KilnError, UsageError
from kiln.jobs.queue import find_task, load_queue
from kiln.jobs.session import SessionConnector

if TYPE_CHECKING:
    from flask_sqlalchemy import SQLAlchemy
    from procrastinate import App
    from procrastinate.tasks import Task

    from kiln.project import Project

MAX_JOBS_PER_RUN = 1000
_MAKE_DUE = (
    "UPDATE procrastinate_jobs SET scheduled_at = now() "
    "WHERE status = 'todo' AND scheduled_at > now()"
)


@contextmanager
def jobs_in_test(project: Project, db: SQLAlchemy) -> Iterator[Jobs]:
    """The project's App on the test's session until the body ends, then as it was."""
    try:
        queue = load_queue(project)
    except KilnError as error:
        raise _failure(error) from None
    with asyncio.Runner() as runner, queue.replace_connector(SessionConnector(db)):
        yield Jobs(queue, db, runner)


class Jobs:
    """Defer with the tasks themselves (``send_welcome.defer(...)``); run and inspect here."""

    def __init__(self, queue: App, db: SQLAlchemy, runner: asyncio.Runner) -> None:
        self._queue = queue
        self._db = db
        self._runner = runner
        self._worker_id: int | None = None
        self._last_tick = 0

    def deferred(self, name: str) -> list[Job]:
        """Every job of the task ``name`` in this test, oldest first, whatever its status."""
        task = self._task(name, f"jobs.deferred({name!r})")
        return self._queue.job_manager.list_jobs(task=task.name)

    def run(self, *, scheduled: bool = False) -> list[Job]:
        """Run the jobs that are due, and those they defer, until none is left; return them.

        ``scheduled=True`` also runs the jobs scheduled for later: retries waiting out their
        backoff, and jobs deferred with ``schedule_in``/``schedule_at``. A job that fails
        raises its exception here, after it is marked failed or scheduled for its retry.
        """
        __tracebackhide__ = True
        self._db.session.commit()  # a worker sees jobs once the transaction that made them ends
        ran: list[Job] = []
        while (job := self._next(scheduled)) is not None:
            if len(ran) == MAX_JOBS_PER_RUN:
                _fail(
                    KilnError(
                        f"more than {MAX_JOBS_PER_RUN} jobs in one jobs.run(): does a job defer "
                        "itself again?",
                        where=f"the last one: job {job.id}, {job.call_string}",
                        fix="make it stop, or run one job at a time to follow it",
                    )
                )
            ran.append(self._process(job))
        return ran

    def run_periodic(self, name: str) -> list[Job]:
        """Defer the periodic task ``name`` as its schedule would now, then ``run()``."""
        __tracebackhide__ = True
        where = f"jobs.run_periodic({name!r})"
        task = self._task(name, where)
        schedules = [
            periodic
            for periodic in self._queue.periodic_registry.periodic_tasks.values()
            if periodic.task is task
        ]
        if not schedules:
            _fail(
                UsageError(
                    f"{task.name} is not a periodic task",
                    where=where,
                    fix="give it a schedule with @queue.periodic(cron=...), or defer it and "
                    "call jobs.run()",
                )
            )
        # A tick of its own per call, so that two calls run it twice (procrastinate defers a
        # schedule once per timestamp, whichever worker asks first).
        self._last_tick = max(int(time.time()), self._last_tick + 1)
        for periodic in schedules:
            options = periodic.configure_kwargs.copy()
            options["task_kwargs"] = {
                **(options.get("task_kwargs") or {}),
                "timestamp": self._last_tick,
            }
            deferrer = task.configure(**options)
            self._runner.run(
                self._queue.job_manager.defer_periodic_job(
                    deferrer.job, periodic_id=periodic.periodic_id, defer_timestamp=self._last_tick
                )
            )
        return self.run()

    def _task(self, name: str, where: str) -> Task[Any, Any, Any]:
        try:
            return find_task(self._queue, name, where)
        except KilnError as error:
            raise _failure(error) from None

    def _next(self, scheduled: bool) -> Job | None:
        if scheduled:
            self._db.session.connection().exec_driver_sql(_MAKE_DUE)
        manager = self._queue.job_manager
        if self._worker_id is None:
            self._worker_id = self._runner.run(manager.register_worker())
        job = self._runner.run(manager.fetch_job(queues=None, worker_id=self._worker_id))
        self._db.session.commit()  # taken, whatever the job then does
        return job

    def _process(self, job: Job) -> Job:
        """Run ``job`` as a worker would; its exception, if any, raised with a note."""
        __tracebackhide__ = True
        task = self._queue.tasks.get(job.task_name)
        if task is None:
            self._finish(job, Status.FAILED)
            _fail(
                UsageError(
                    f"job {job.id} names the task {job.task_name!r}, which the App does not have",
                    where=f"job {job.id}, {job.call_string}",
                    fix="defer it through a task (task.defer(...)), or register a task of that "
                    "name (aliases=[...] keeps an old name working)",
                )
            )
        try:
            self._call(task, job)
        except Exception as error:
            self._db.session.rollback()  # the job's own writes, as a worker discards them
            outcome = self._failed(task, job, error)
            error.add_note(
                f"kiln: raised by job {job.id}, {job.call_string}, attempt {job.attempts + 1}; "
                f"{outcome}"
            )
            raise
        self._db.session.commit()
        self._finish(job, Status.SUCCEEDED)
        [done] = self._queue.job_manager.list_jobs(id=job.id)
        return done

    def _call(self, task: Task[Any, Any, Any], job: Job) -> None:
        __tracebackhide__ = True
        context = JobContext(
            app=self._queue,
            worker_name="kiln-test",
            job=job,
            start_timestamp=time.time(),
            abort_reason=lambda: None,
        )
        arguments = [context] if task.pass_context else []

        def the_task() -> Any:
            __tracebackhide__ = True
            return task.func(*arguments, **job.task_kwargs)

        result = compose(task.task_middleware, the_task, context, None)()
        if inspect.isawaitable(result):
            self._runner.run(_awaited(result))

    def _failed(self, task: Task[Any, Any, Any], job: Job, error: Exception) -> str:
        """Record the failure as the worker would (a retry, or failed); what happens next."""
        retry = task.get_retry_exception(exception=error, job=job)
        if retry is None:
            self._finish(job, Status.FAILED)
            return "it is marked failed"
        decision = retry.retry_decision
        self._runner.run(
            self._queue.job_manager.retry_job(
                job,
                retry_at=decision.retry_at,
                priority=decision.priority,
                queue=decision.queue,
                lock=decision.lock,
            )
        )
        self._db.session.commit()
        return (
            f"its retry waits until {_clock(decision.retry_at)}: jobs.run(scheduled=True) runs it"
        )

    def _finish(self, job: Job, status: Status) -> None:
        self._runner.run(self._queue.job_manager.finish_job(job, status=status, delete_job=False))
        self._db.session.commit()


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _clock(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M:%S") if moment else "now"


def _fail(error: KilnError) -> NoReturn:
    raise _failure(error)


def _failure(error: KilnError) -> BaseException:
    """A mistake in the test or the jobs: its message and fix, without kiln's traceback."""
    return pytest.fail.Exception(error.render(), pytrace=False)
