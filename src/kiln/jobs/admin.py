"""``kiln jobs``: the queue as an operator sees it; a stalled or failed job retried, one cancelled.

A job is *stalled* when it is marked running (``doing``) but its worker has stopped sending
heartbeats (killed, or its machine gone): nothing will finish it, so it is listed apart and can
be retried or cancelled. The work happens in the project's Python, on the environment's database,
through procrastinate's own functions; it needs the database only, not the jobs module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiln.errors import UsageError
from kiln.jobs.schema import queue_database
from kiln.runner import tasks

if TYPE_CHECKING:
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    from kiln.context import ProjectContext

STATES = ("todo", "doing", "stalled", "succeeded", "failed", "cancelled", "aborted")
# Seconds without a heartbeat after which procrastinate itself counts a worker as stalled.
HEARTBEAT_TIMEOUT = 30
_JOBS = """
WITH alive AS (
    SELECT id FROM procrastinate_workers
    WHERE last_heartbeat >= now() - make_interval(secs => :timeout)
), jobs AS (
    SELECT job.id, job.task_name AS task, job.args, job.attempts, job.queue_name AS queue,
           job.scheduled_at,
           CASE WHEN job.status = 'doing' AND alive.id IS NULL
                THEN 'stalled' ELSE job.status::text END AS state,
           (SELECT max(event.at) FROM procrastinate_events event
             WHERE event.job_id = job.id) AS changed_at
    FROM procrastinate_jobs job LEFT JOIN alive ON alive.id = job.worker_id
)
"""


@dataclass(frozen=True)
class Listing:
    """Jobs, newest first, and the queue's health: live workers, stalled and due jobs."""

    jobs: list[dict[str, Any]]
    workers: int
    stalled: int
    due: int
    oldest_due_seconds: float | None

    def table(self) -> list[str]:
        """The jobs in aligned columns; ``WHEN`` is the last change, or when a job will run."""
        if not self.jobs:
            return ["no jobs"]
        rows = [("ID", "STATE", "TASK", "ATTEMPTS", "QUEUE", "WHEN", "ARGUMENTS")]
        rows += [
            (
                str(job["id"]),
                job["state"],
                job["task"],
                str(job["attempts"]),
                job["queue"],
                _when(job),
                json.dumps(job["args"]),
            )
            for job in self.jobs
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
        return ["  ".join([*map(str.ljust, row[:-1], widths), row[-1]]) for row in rows]

    def health(self) -> str:
        """Whether workers are alive and jobs stuck, in a sentence, with the fix."""
        parts = [f"{self.workers} worker{'s' * (self.workers != 1)} alive"]
        if self.stalled:
            parts.append(
                f"{self.stalled} job{'s' * (self.stalled != 1)} stalled on a worker that is "
                "gone (kiln jobs retry ID runs one again, kiln jobs cancel ID drops it)"
            )
        if self.due:
            waited = self.oldest_due_seconds or 0.0
            parts.append(f"{self.due} due, the oldest waiting for {_duration(waited)}")
            if not self.workers:
                parts.append("start a worker: kiln worker")
        return "; ".join(parts)


def list_jobs(
    ctx: ProjectContext, state: str | None, task: str | None, queue: str | None, limit: int
) -> Listing:
    found = _call(ctx, list_task, state or "", task or "", queue or "", str(limit))
    return Listing(**found)


def retry(ctx: ProjectContext, job_id: int) -> str:
    """Queue a failed or stalled job again, to run now; what happened, in a sentence."""
    return str(_call(ctx, retry_task, str(job_id)))


def cancel(ctx: ProjectContext, job_id: int) -> str:
    """Cancel a waiting job, ask a running one to abort, mark a stalled one aborted."""
    return str(_call(ctx, cancel_task, str(job_id)))


def _call(ctx: ProjectContext, task: tasks.Task, *args: str) -> Any:
    return tasks.call(
        ctx,
        task,
        *args,
        failure=f"reading the job queue of {ctx.database_name} failed",
        where=f"kiln jobs, on {ctx.database_name}",
    )


def list_task(app: Flask, args: list[str]) -> dict[str, Any]:
    """The task behind ``kiln jobs list``."""
    from sqlalchemy import text

    state, task, queue, limit = args
    db = queue_database(app)
    rows = db.session.execute(
        text(
            _JOBS + "SELECT * FROM jobs WHERE (:state = '' OR state = :state) "
            "AND (:task = '' OR task = :task OR task LIKE '%.' || :task) "
            "AND (:queue = '' OR queue = :queue) ORDER BY id DESC LIMIT :limit"
        ),
        {
            "timeout": HEARTBEAT_TIMEOUT,
            "state": state,
            "task": task,
            "queue": queue,
            "limit": int(limit),
        },
    ).mappings()
    health = (
        db.session.execute(
            text(
                _JOBS + "SELECT (SELECT count(*) FROM alive) AS workers, "
                "count(*) FILTER (WHERE state = 'stalled') AS stalled, "
                "count(*) FILTER (WHERE state = 'todo' AND coalesce(scheduled_at, now()) <= now()) "
                "AS due, extract(epoch FROM now() - min(changed_at) FILTER (WHERE state = 'todo' "
                "AND coalesce(scheduled_at, now()) <= now())) AS oldest_due_seconds FROM jobs"
            ),
            {"timeout": HEARTBEAT_TIMEOUT},
        )
        .mappings()
        .one()
    )
    return {
        "jobs": [
            {
                **row,
                "scheduled_at": _iso(row["scheduled_at"]),
                "changed_at": _iso(row["changed_at"]),
            }
            for row in rows
        ],
        "workers": health["workers"],
        "stalled": health["stalled"],
        "due": health["due"],
        "oldest_due_seconds": _seconds(health["oldest_due_seconds"]),
    }


def retry_task(app: Flask, args: list[str]) -> str:
    """The task behind ``kiln jobs retry ID``."""
    from procrastinate import utils

    db = queue_database(app)
    job_id, job = _job(db, args[0], "retry")
    if job["state"] in ("failed", "stalled"):
        _manager(db).retry_job_by_id(job_id, retry_at=utils.utcnow())
        db.session.commit()
        return f"job {job_id} ({job['task']}) is queued again; a worker runs it next"
    if job["state"] == "todo":
        raise UsageError(
            f"job {job_id} ({job['task']}) is already waiting to run",
            where=f"kiln jobs retry {job_id}",
            fix="nothing to do; if no worker runs it, start one: kiln worker",
        )
    if job["state"] == "doing":
        raise UsageError(
            f"job {job_id} ({job['task']}) is running on a live worker",
            where=f"kiln jobs retry {job_id}",
            fix=f"wait for it to end, or ask the worker to stop it: kiln jobs cancel {job_id}",
        )
    raise UsageError(
        f"job {job_id} ({job['task']}) ended as {job['state']}; only a failed or stalled job "
        "can be retried",
        where=f"kiln jobs retry {job_id}",
        fix="defer a new job from the app (e.g. in kiln shell: the_task.defer(...))",
    )


def cancel_task(app: Flask, args: list[str]) -> str:
    """The task behind ``kiln jobs cancel ID``."""
    import asyncio

    from procrastinate.jobs import Status

    db = queue_database(app)
    manager = _manager(db)
    job_id, job = _job(db, args[0], "cancel")
    if job["state"] == "todo":
        manager.cancel_job_by_id(job_id)
        outcome = "is cancelled: no worker will run it"
    elif job["state"] == "doing":
        manager.cancel_job_by_id(job_id, abort=True)
        outcome = (
            "is asked to stop: its worker aborts it (a synchronous task stops only if it "
            "checks context.should_abort())"
        )
    elif job["state"] == "stalled":
        asyncio.run(manager.finish_job_by_id_async(job_id, Status.ABORTED, delete_job=False))
        outcome = "is marked aborted: its worker is gone"
    else:
        raise UsageError(
            f"job {job_id} ({job['task']}) has already ended, as {job['state']}",
            where=f"kiln jobs cancel {job_id}",
            fix="nothing to cancel",
        )
    db.session.commit()
    return f"job {job_id} ({job['task']}) {outcome}"


def _manager(db: SQLAlchemy) -> Any:
    from procrastinate.manager import JobManager

    from kiln.jobs.session import SessionConnector

    return JobManager(connector=SessionConnector(db))


def _job(db: SQLAlchemy, raw_id: str, command: str) -> tuple[int, dict[str, Any]]:
    from sqlalchemy import text

    job_id = int(raw_id)
    found = (
        db.session.execute(
            text(_JOBS + "SELECT * FROM jobs WHERE id = :id"),
            {"timeout": HEARTBEAT_TIMEOUT, "id": job_id},
        )
        .mappings()
        .first()
    )
    if found is None:
        raise UsageError(
            f"there is no job {job_id}",
            where=f"kiln jobs {command} {job_id}",
            fix="kiln jobs list shows the jobs and their ids",
        )
    return job_id, dict(found)


def _when(job: dict[str, Any]) -> str:
    scheduled = job["scheduled_at"] and datetime.fromisoformat(job["scheduled_at"])
    if job["state"] == "todo" and scheduled and scheduled > datetime.now(UTC):
        return f"runs {_local(scheduled)}"
    changed = job["changed_at"]
    return _local(datetime.fromisoformat(changed)) if changed else "-"


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _seconds(value: Any) -> float | None:
    return None if value is None else float(value)
