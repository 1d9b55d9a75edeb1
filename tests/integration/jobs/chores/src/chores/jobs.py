import os
import time

from procrastinate import RetryStrategy

from .extensions import db
from .models import Note, Tick
from .queue import queue

# Retries come due within a second in these tests; a worker notices them by polling.
queue.worker_defaults["fetch_job_polling_interval"] = 0.2


@queue.task
def record(text: str) -> None:
    db.session.add(Note(text=text))


@queue.task
def record_twice(text: str) -> None:
    """Records ``text``, and defers a job that records it again with a mark."""
    db.session.add(Note(text=text))
    record.defer(text=f"{text}!")


@queue.task
def refuse(text: str) -> None:
    db.session.add(Note(text=text))
    raise ValueError(f"refused {text!r}")


@queue.task(pass_context=True, retry=RetryStrategy(max_attempts=3, wait=1))
def flaky(context, text: str) -> None:
    """Fails on its first two attempts, then records ``text``."""
    if context.job.attempts < 2:
        raise ConnectionError(f"attempt {context.job.attempts + 1} fails")
    db.session.add(Note(text=f"{text} after {context.job.attempts} failures"))


@queue.task
def slow(text: str, seconds: float) -> None:
    time.sleep(seconds)
    db.session.add(Note(text=text))


@queue.periodic(cron=os.environ.get("CHORES_TICK", "0 0 1 1 *"))
@queue.task(queue="ticks")
def tick(timestamp: int) -> None:
    db.session.add(Tick(timestamp=timestamp))
