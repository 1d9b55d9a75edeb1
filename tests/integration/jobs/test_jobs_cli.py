"""``kiln jobs list/retry/cancel``, and the errors that stop a worker before it starts."""

from __future__ import annotations

import re
import subprocess

from chores_project import QUEUE_MIGRATION, Chores


def job_id(output: str) -> int:
    match = re.search(r"deferred job (\d+)", output)
    assert match, output
    return int(match[1])


def defer(chores: Chores, task: str, arguments: str = "{}") -> int:
    return job_id(chores.kiln("flask", "defer", task, arguments).stdout)


def stall(chores: Chores, job: int) -> None:
    """Mark ``job`` running on a worker that stopped sending heartbeats an hour ago."""
    [(worker,)] = chores.rows(
        "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour') "
        "RETURNING id"
    )
    chores.rows(
        "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s RETURNING id",
        worker,
        job,
    )


def test_a_failed_job_is_listed_then_retried(chores: Chores) -> None:
    failed = defer(chores, "refuse", '{"text": "no"}')
    with chores.running("worker") as worker:
        worker.wait_for(rf"refuse\[{failed}\].*ended with status: Error")

    listed = chores.kiln("jobs", "list", "--state", "failed")
    assert listed.returncode == 0, listed.stderr
    [row] = [line for line in listed.stdout.splitlines() if line.startswith(f"{failed} ")]
    assert row.split()[1:4] == ["failed", "chores.jobs.refuse", "1"]
    assert '{"text": "no"}' in row
    assert "0 workers alive" in listed.stdout

    retried = chores.kiln("jobs", "retry", str(failed))
    assert retried.returncode == 0, retried.stderr
    assert f"job {failed} (chores.jobs.refuse) is queued again" in retried.stdout
    assert chores.rows("SELECT status::text FROM procrastinate_jobs WHERE id = %s", failed) == [
        ("todo",)
    ]

    cancelled = chores.kiln("jobs", "cancel", str(failed))
    assert "is cancelled" in cancelled.stdout
    again = chores.kiln("jobs", "cancel", str(failed))
    assert again.returncode == 2
    assert "has already ended, as cancelled" in again.stderr


def test_a_stalled_job_is_shown_and_can_be_retried_or_dropped(chores: Chores) -> None:
    first, second = (
        defer(chores, "record", '{"text": "a"}'),
        defer(chores, "record", '{"text": "b"}'),
    )
    stall(chores, first)
    stall(chores, second)

    listed = chores.kiln("jobs", "list", "--state", "stalled")
    assert {int(line.split()[0]) for line in listed.stdout.splitlines()[1:-1]} == {first, second}
    assert "2 jobs stalled on a worker that is gone" in listed.stdout

    assert "queued again" in chores.kiln("jobs", "retry", str(first)).stdout
    assert "marked aborted" in chores.kiln("jobs", "cancel", str(second)).stdout
    assert chores.rows(
        "SELECT id, status::text FROM procrastinate_jobs WHERE id IN (%s, %s) ORDER BY id",
        first,
        second,
    ) == [(first, "todo"), (second, "aborted")]


def test_an_unknown_job_is_named(chores: Chores) -> None:
    assert chores.kiln("db", "upgrade").returncode == 0  # the queue, whichever test runs first
    done = chores.kiln("jobs", "retry", "999999")

    assert done.returncode == 2
    assert "there is no job 999999" in done.stderr
    assert "kiln jobs list" in done.stderr


def test_jobs_of_a_task_the_app_no_longer_has_are_announced(chores: Chores) -> None:
    defer(chores, "renamed_away")
    with chores.running("worker") as worker:
        warning = worker.wait_for(
            r"warning: 1 queued job names the task chores\.jobs\.renamed_away"
        )
    assert "aliases=['chores.jobs.renamed_away']" in warning.string


def test_a_schedule_that_does_not_parse_stops_the_worker_before_it_starts(chores: Chores) -> None:
    done = chores.kiln("worker", CHORES_TICK="every day")

    assert done.returncode == 2
    assert "the periodic schedule 'every day' of task chores.jobs.tick does not parse" in (
        done.stderr
    )
    assert "src/chores/jobs.py:" in done.stderr
    assert "'0 3 * * *' is every day at 03:00" in done.stderr


def jobs_declared_as(chores: Chores, reference: str) -> subprocess.CompletedProcess[str]:
    """``kiln worker`` with ``[tool.kiln] jobs = reference``."""
    pyproject = chores.root / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text(original.replace("chores.jobs:queue", reference))
    try:
        return chores.kiln("worker")
    finally:
        pyproject.write_text(original)


def test_a_jobs_module_that_does_not_exist_is_named(chores: Chores) -> None:
    done = jobs_declared_as(chores, "chores.chores:queue")

    assert done.returncode == 2
    assert "there is no module 'chores.chores'" in done.stderr
    assert "[tool.kiln] jobs" in done.stderr


def test_a_jobs_module_that_fails_to_import_names_its_line(chores: Chores) -> None:
    chores.write("src/chores/broken.py", "import os\nfrom procrastinate import Nope\n")

    done = jobs_declared_as(chores, "chores.broken:queue")

    assert done.returncode == 1
    assert "src/chores/broken.py:2: importing chores.broken failed: cannot import name 'Nope'" in (
        done.stderr
    )
    assert "pip install -e '.[dev]'" in done.stderr


def test_jobs_that_are_not_a_procrastinate_app_are_refused(chores: Chores) -> None:
    done = jobs_declared_as(chores, "chores.jobs:record")

    assert done.returncode == 2
    assert "chores.jobs.record is a Task, not a procrastinate App" in done.stderr


def test_a_worker_on_a_database_without_the_queue_says_which_migration(chores: Chores) -> None:
    migration = chores.root / "migrations" / "versions" / QUEUE_MIGRATION
    notes = next((chores.root / "migrations" / "versions").glob("c0ffee*"))
    kept = migration.read_text(), notes.read_text()
    migration.unlink()
    notes.write_text(kept[1].replace('down_revision = "5b1e0c9a7f42"', "down_revision = None"))
    try:
        done = chores.kiln("worker", "--env", "testing")
    finally:
        migration.write_text(kept[0])
        notes.write_text(kept[1])

    assert done.returncode == 1
    assert "chores_testing has no job queue: the table procrastinate_jobs is missing" in done.stderr
    assert "_add_the_job_queue.py" in done.stderr
