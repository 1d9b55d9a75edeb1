"""``kiln worker`` and the worker beside ``kiln serve``, running the project's jobs for real."""

from __future__ import annotations

import itertools
import json
import signal
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from chores_project import Chores


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url: str, body: dict[str, str]) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def eventually(check: Callable[[], bool], timeout: float = 30) -> None:
    """For what two processes do together: look again, briefly, until ``check`` holds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_serve_runs_the_worker_beside_it_for_committed_requests_only(chores: Chores) -> None:
    port = free_port()
    with chores.running("serve", "--port", str(port)) as serve:
        serve.wait_for(r"jobs: .*record")
        serve.wait_for(r"Running on http://127\.0\.0\.1")
        url = f"http://127.0.0.1:{port}/notes"

        assert post(url, {"text": "kept"}) == 201
        serve.wait_for(r"^worker \| .*record\[\d+\]\(text='kept'\) ended with status: Success")
        assert post(f"{url}?fail=1", {"text": "lost"}) == 500

        assert chores.rows("SELECT text FROM notes") == [("kept",)]
        assert chores.rows(
            "SELECT args->>'text' FROM procrastinate_jobs WHERE task_name = 'chores.jobs.record'"
        ) == [("kept",)]


def test_a_failing_job_is_retried_after_its_backoff(chores: Chores) -> None:
    with chores.running("worker") as worker:
        worker.wait_for("Starting worker")
        assert chores.kiln("flask", "defer", "flaky", '{"text": "x"}').returncode == 0
        worker.wait_for(r"flaky\[\d+\].*ended with status: Success")

    events = chores.rows(
        "SELECT event.type::text, event.at FROM procrastinate_events event "
        "JOIN procrastinate_jobs job ON job.id = event.job_id "
        "WHERE job.task_name = 'chores.jobs.flaky' ORDER BY event.id"
    )
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "succeeded"
    assert kinds.count("deferred_for_retry") == 2
    started = [at for kind, at in events if kind == "started"]
    assert len(started) == 3
    assert all(
        (later - earlier).total_seconds() >= 1 for earlier, later in itertools.pairwise(started)
    )
    assert chores.rows("SELECT text FROM notes WHERE text LIKE 'x %'") == [("x after 2 failures",)]


def test_a_stopped_worker_finishes_its_running_job_first(chores: Chores) -> None:
    with chores.running("worker") as worker:
        worker.wait_for("Starting worker")
        chores.kiln("flask", "defer", "slow", '{"text": "finished", "seconds": 2}')
        worker.wait_for(r"Starting job chores\.jobs\.slow")

        worker.process.send_signal(signal.SIGINT)
        output = worker.rest()

        assert worker.process.returncode == 0, output
    assert output.index("ended with status: Success") < output.index("Stopped worker")
    assert chores.rows("SELECT text FROM notes WHERE text = 'finished'") == [("finished",)]


def test_a_periodic_job_is_deferred_once_per_tick_by_two_workers(chores: Chores) -> None:
    every_two_seconds = {"CHORES_TICK": "* * * * * */2"}
    with (
        chores.running("worker", "--queue", "ticks", **every_two_seconds) as first,
        chores.running("worker", "--queue", "ticks", **every_two_seconds) as second,
    ):
        first.wait_for("Starting worker")
        second.wait_for("Starting worker")
        eventually(lambda: chores.rows("SELECT count(*) FROM ticks")[0][0] >= 3)

    jobs = chores.rows(
        "SELECT (args->>'timestamp')::int, status::text FROM procrastinate_jobs "
        "WHERE task_name = 'chores.jobs.tick'"
    )
    timestamps = [timestamp for timestamp, _ in jobs]
    assert len(timestamps) == len(set(timestamps)) >= 3
    assert {status for _, status in jobs} <= {"succeeded", "todo", "doing"}
