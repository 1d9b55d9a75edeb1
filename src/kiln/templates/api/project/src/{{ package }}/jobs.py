"""Background jobs: work done after the request that asked for it, by a worker (see queue.py).

``send_welcome`` is deferred when someone registers (api/auth.py), in the registration's own
transaction; ``purge_old_messages`` runs every night. A job's writes are committed when it returns
and rolled back when it raises; a job with ``retry`` is then tried again after a growing wait.
Test them with kiln's ``jobs`` fixture (tests/functional/test_jobs.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from procrastinate import RetryStrategy
from sqlalchemy import delete, select

from .extensions import db
from .models import Message, User
from .queue import queue

WELCOME = "welcome"
# Messages are kept this long for support to look up, then deleted.
MESSAGE_RETENTION = timedelta(days=90)
# A delivery that fails is tried up to 5 more times, 2, 4, 8, 16 and 32 s apart.
DELIVERY_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)


@queue.task(retry=DELIVERY_RETRY)
def send_welcome(email: str) -> None:
    """Send the welcome message to the account registered with ``email``, once."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        return  # the account was deleted before the job ran
    already_sent = select(Message.id).where(Message.user_id == user.id, Message.kind == WELCOME)
    if db.session.scalar(already_sent) is not None:
        return  # a retry of a job whose message went out
    message = Message(
        user=user,
        kind=WELCOME,
        subject="Welcome!",
        body=f"Hello {user.username}, your account is ready. Log in with {user.email}.",
    )
    deliver(message)
    db.session.add(message)


@queue.periodic(cron="0 3 * * *")
@queue.task(queueing_lock="purge_old_messages")
def purge_old_messages(timestamp: int) -> int:
    """Delete the messages older than ``MESSAGE_RETENTION``: every day at 03:00 (UTC), once,
    whichever worker defers it first. ``timestamp`` is the scheduled time."""
    cutoff = datetime.fromtimestamp(timestamp, UTC) - MESSAGE_RETENTION
    deleted = db.session.execute(delete(Message).where(Message.sent_date < cutoff))
    return deleted.rowcount


def deliver(message: Message) -> None:
    """Hand ``message`` to its recipient. This writes it to the log; call your email provider
    here instead. An exception makes the job fail, and retry."""
    current_app.logger.info(
        "message %r to %s: %s", message.subject, message.user.email, message.body
    )
