"""Run by the project's Python: what background jobs cost, on a claimed test database.

1. Deferring inside a request's transaction: a transaction that has already read (as a request
   has), then ``task.defer()`` timed, then a rollback; against a bare INSERT of a row of the same
   shape in the same place (the floor).
2. Throughput of one worker: ``COUNT`` jobs of a task that does nothing, committed, then the
   project's worker (procrastinate, concurrency 1, the template's app-context middleware, its
   commit) until the queue is empty; timed from the first job's start to the last one's end, as
   the queue's own events record them. The floor: the same number of rows inserted and deleted,
   each committed, by one connection in a loop (the least a job costs a database queue).

Prints JSON: durations in seconds, and the counts.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

WARM_UP = 50


def timings(count: int, body: Callable[[], float]) -> list[float]:
    """``count`` durations that ``body`` measured itself, after a warm-up that is not kept."""
    for _ in range(WARM_UP):
        body()
    return [body() for _ in range(count)]


def main(root: Path, deferrals: int, jobs: int) -> dict[str, object]:
    from psycopg_pool import AsyncConnectionPool
    from sqlalchemy import select, text

    from kiln.runner.app import create_app
    from kiln.testing.session import TestSession

    session = TestSession.open(root, lambda message: None)
    session.databases.mark_dirty()  # jobs are committed: the clone is rebuilt for the next one
    package = session.project.package
    try:
        app = create_app(session.project, "testing")
        queue_module = importlib.import_module(f"{package}.queue")
        queue = queue_module.queue
        db = app.extensions["sqlalchemy"]

        @queue.task(name="bench.nothing", queue="bench")
        def nothing() -> None:
            """A job that does nothing: what is left is the queue's own cost."""

        with app.app_context():
            db.session.execute(
                text("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, args jsonb)")
            )
            db.session.commit()

            def defer() -> float:
                db.session.execute(select(1))  # the request has begun its transaction
                started = time.perf_counter()
                nothing.defer()
                took = time.perf_counter() - started
                db.session.rollback()
                return took

            def insert() -> float:
                db.session.execute(select(1))
                started = time.perf_counter()
                db.session.execute(text("INSERT INTO bench_floor (args) VALUES ('{}')"))
                took = time.perf_counter() - started
                db.session.rollback()
                return took

            results: dict[str, object] = {
                "defer": timings(deferrals, defer),
                "insert": timings(deferrals, insert),
            }
            nothing.batch_defer(*({} for _ in range(jobs)))
            db.session.commit()
            url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

        async def work() -> None:
            async with (
                AsyncConnectionPool(url, min_size=2, max_size=3, open=False) as pool,
                queue.open_async(pool),
            ):
                await queue.run_worker_async(
                    queues=["bench"],
                    concurrency=1,
                    wait=False,
                    install_signal_handlers=False,
                    task_middleware=[queue_module._in_app_context(app)],
                )

        started = time.perf_counter()
        asyncio.run(work())
        results["worker_wall"] = time.perf_counter() - started
        with app.app_context():
            first, last, done = db.session.execute(
                text(
                    "SELECT min(event.at) FILTER (WHERE event.type = 'started'), "
                    "max(event.at) FILTER (WHERE event.type = 'succeeded'), "
                    "count(*) FILTER (WHERE event.type = 'succeeded') "
                    "FROM procrastinate_events event JOIN procrastinate_jobs job "
                    "ON job.id = event.job_id WHERE job.task_name = 'bench.nothing'"
                )
            ).one()
            results["worker"] = (last - first).total_seconds()
            results["jobs"] = done
            db.session.execute(text("DROP TABLE bench_floor"))
            db.session.commit()

        import psycopg

        with psycopg.connect(session.database_url, autocommit=True) as connection:
            connection.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, args jsonb)")
            started = time.perf_counter()
            for _ in range(jobs):
                [row_id] = connection.execute(
                    "INSERT INTO bench_floor (args) VALUES ('{}') RETURNING id"
                ).fetchone()
                connection.execute("DELETE FROM bench_floor WHERE id = %s", (row_id,))
            results["floor"] = time.perf_counter() - started
            connection.execute("DROP TABLE bench_floor")
        with app.app_context():
            db.engine.dispose()
        return results
    finally:
        session.close()


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
