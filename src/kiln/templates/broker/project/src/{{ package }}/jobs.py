"""Background jobs: the certificate pipeline's steps (pipeline.py) and two periodic jobs.

``kiln serve`` runs a worker beside the app; production runs ``flask worker`` (compose.yaml,
manifest.yml). Test them with kiln's ``jobs`` fixture (tests/functional/test_pipeline.py).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from . import pipeline
from .extensions import db
from .models import IN_PROGRESS, Operation, ServiceInstance, utcnow
from .queue import queue

__all__ = ["queue", "renew_certificates", "requeue_stalled_operations"]

RENEW_BEFORE = timedelta(days=30)
STALLED_AFTER = timedelta(minutes=15)


@queue.periodic(cron="17 * * * *")
@queue.task(queueing_lock="renew_certificates")
def renew_certificates(timestamp: int) -> int:
    """Renew every certificate that expires within ``RENEW_BEFORE``, hourly; an instance with an
    operation in progress waits for the next run. Returns how many renewals started."""
    cutoff = utcnow() + RENEW_BEFORE
    started = 0
    for instance in db.session.scalars(
        select(ServiceInstance).where(ServiceInstance.deleted_at.is_(None))
    ):
        certificate = instance.installed_certificate
        busy = any(op.state == IN_PROGRESS for op in instance.operations)
        if certificate and certificate.expires_at and certificate.expires_at < cutoff and not busy:
            pipeline.start(instance, pipeline.RENEW)
            started += 1
    return started


@queue.periodic(cron="*/5 * * * *")
@queue.task(queueing_lock="requeue_stalled_operations")
def requeue_stalled_operations(timestamp: int) -> int:
    """Run again the step of each operation in progress that has not moved for
    ``STALLED_AFTER`` (its worker died, its job failed for good). Returns how many."""
    stalled = db.session.scalars(
        select(Operation).where(
            Operation.state == IN_PROGRESS,
            Operation.canceled_at.is_(None),
            Operation.step.is_not(None),
            Operation.updated_at < utcnow() - STALLED_AFTER,
        )
    ).all()
    for operation in stalled:
        pipeline.requeue(operation)
    return len(stalled)
