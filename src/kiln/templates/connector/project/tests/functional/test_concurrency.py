"""``_updated`` under concurrent writers: a paging reader must see every entity.

The trap (store.py): with a plain sequence, a writer that took a lower number but commits after
a reader has moved past it is never delivered. The feed holds back every change newer than the
oldest transaction still running, so a late commit still comes through on the next pull.
"""

import threading

from flask_sqlalchemy import SQLAlchemy
from sesam import Pipe
from sqlalchemy import text

WRITERS, PER_WRITER, BATCH = 4, 200, 10
LATE_INSERT = (
    """INSERT INTO entities (id, body, deleted) VALUES ('late', '{"_id": "late"}', false)"""
)


def test_a_late_commit_is_held_back_then_delivered(pipe: Pipe, db: SQLAlchemy) -> None:
    with db.engine.connect() as late:
        late.execute(text(LATE_INSERT))
        pipe.push([{"_id": "early"}])  # a later transaction, committed first

        assert pipe.pull() == []
        late.commit()

    assert [entity["_id"] for entity in pipe.pull()] == ["late", "early"]


def test_concurrent_writers_and_a_paging_reader_lose_nothing(pipe: Pipe) -> None:
    writing = threading.Event()
    writing.set()
    seen: list[str] = []
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        own = Pipe(pipe.url, batch_size=BATCH)
        try:
            for start in range(0, PER_WRITER, BATCH):
                own.post(
                    "/receiver",
                    [{"_id": f"w{writer}-{n}"} for n in range(start, start + BATCH)],
                )
        except BaseException as error:
            failures.append(error)

    def read() -> None:
        reader = Pipe(pipe.url, page_size=7)
        try:
            while writing.is_set():
                seen.extend(entity["_id"] for entity in reader.pull())
            seen.extend(entity["_id"] for entity in reader.pull())
        except BaseException as error:
            failures.append(error)

    writers = [threading.Thread(target=write, args=(number,)) for number in range(WRITERS)]
    reader = threading.Thread(target=read)
    for thread in [reader, *writers]:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    reader.join()

    assert failures == []
    expected = {f"w{writer}-{n}" for writer in range(WRITERS) for n in range(PER_WRITER)}
    assert set(seen) == expected
    assert len(seen) == len(expected)  # each once
