"""The ``jobs`` fixture, as a project's tests use it (run by kiln's tests/integration/jobs)."""

import pytest
from chores.jobs import flaky, record, record_twice, refuse
from chores.models import Note, Tick
from sqlalchemy import select


def notes(db):
    return list(db.session.scalars(select(Note.text).order_by(Note.id)))


def test_a_job_deferred_in_a_request_runs_when_the_test_says(client, db, jobs):
    assert client.post("/notes", json={"text": "a"}).status_code == 201

    [job] = jobs.deferred("record")
    assert (job.status, job.task_kwargs) == ("todo", {"text": "a"})
    assert notes(db) == []

    [ran] = jobs.run()

    assert (ran.id, ran.status) == (job.id, "succeeded")
    assert notes(db) == ["a"]


def test_jobs_run_in_order_with_the_jobs_they_defer(db, jobs):
    record.defer(text="1")
    record_twice.defer(text="2")
    record.defer(text="3")

    ran = jobs.run()

    assert [job.task_name.rpartition(".")[2] for job in ran] == [
        "record",
        "record_twice",
        "record",
        "record",
    ]
    assert notes(db) == ["1", "2", "3", "2!"]


def test_a_failure_is_raised_in_the_test_and_its_writes_undone(db, jobs):
    refuse.defer(text="no")

    with pytest.raises(ValueError, match="refused 'no'") as raised:
        jobs.run()

    assert "marked failed" in raised.value.__notes__[0]
    [job] = jobs.deferred("refuse")
    assert job.status == "failed"
    assert notes(db) == []


def test_a_retry_runs_only_when_the_test_lets_time_pass(db, jobs):
    flaky.defer(text="x")

    with pytest.raises(ConnectionError, match="attempt 1"):
        jobs.run()
    [job] = jobs.deferred("flaky")
    assert (job.status, job.attempts) == ("todo", 1)
    assert jobs.run() == []  # waiting out its backoff
    with pytest.raises(ConnectionError, match="attempt 2"):
        jobs.run(scheduled=True)
    jobs.run(scheduled=True)

    assert notes(db) == ["x after 2 failures"]


def test_a_periodic_job_runs_each_time_it_is_asked(db, jobs):
    jobs.run_periodic("tick")
    jobs.run_periodic("tick")

    assert len(db.session.scalars(select(Tick)).all()) == 2


def test_a_request_that_fails_leaves_no_job(client, jobs):
    assert client.post("/notes?fail=1", json={"text": "lost"}).status_code == 500

    assert jobs.deferred("record") == []


def test_a_test_starts_with_no_jobs(db, jobs):
    """Whatever the tests before it deferred and ran was rolled back."""
    assert jobs.deferred("record") == jobs.deferred("flaky") == []
    assert notes(db) == []
