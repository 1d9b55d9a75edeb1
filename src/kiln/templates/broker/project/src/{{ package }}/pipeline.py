"""The certificate pipeline: one background job per step, each taking the operation's id.

Provision, update and renewal run every step; deprovision runs ``remove_certificate``. A step
does its work, records the next step on the operation (what ``last_operation`` shows) and defers
it, all in one transaction: a crash leaves the operation at the step that did not finish, and
running that step again is safe, since each looks at what was already done (the account made,
the key made, the order placed…) before doing it. A step run for an operation that is canceled,
finished or already past it does nothing. ``jobs.requeue_stalled_operations`` restarts steps
whose worker died.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from acme import client
from flask import current_app
from procrastinate import RetryStrategy
from procrastinate.tasks import Task
from sqlalchemy import select, text

from . import acme_client
from .crypto import decrypt_key, encrypt_key, key_pem, new_private_key
from .dns import dns_provider, record_name
from .extensions import db
from .install import installer
from .models import (
    FAILED,
    IN_PROGRESS,
    SUCCEEDED,
    AcmeAccount,
    Certificate,
    Operation,
    ServiceInstance,
    utcnow,
)
from .queue import queue

PROVISION, UPDATE, RENEW, DEPROVISION = "provision", "update", "renew", "deprovision"
COMPLETE = "Complete!"
DONE = "done"
# Network and server errors: tried again 2, 4, 8, 16 and 32 s later, then left to the stalled scan.
STEP_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)
# A failed DNS validation drops the order; a new one is placed this much later, a few times.
VALIDATION_RETRY = timedelta(seconds=30)
MAX_VALIDATION_FAILURES = 3

StepFunction = Callable[[Operation], str | None]
DESCRIPTIONS: dict[str, str] = {}
STEPS: dict[str, Task[Any, Any, Any]] = {}


def step(description: str) -> Callable[[StepFunction], Task[Any, Any, Any]]:
    """Make ``function(operation) -> next step`` a job that runs it and moves the operation on.

    The function returns the name of the next step, ``DONE``, or ``None`` when it has decided
    itself what happens next (a failure, a later retry)."""

    def register(function: StepFunction) -> Task[Any, Any, Any]:
        name = function.__name__

        @queue.task(name=name, retry=STEP_RETRY)
        @functools.wraps(function)
        def run(operation_id: int) -> None:
            operation = db.session.get(Operation, operation_id, with_for_update=True)
            if operation is None or operation.canceled_at or operation.step != name:
                return  # canceled, finished, or a duplicate of a step already done
            following = function(operation)
            if following is not None:
                advance(operation, following)

        DESCRIPTIONS[name] = description
        STEPS[name] = run
        return run

    return register


def start(instance: ServiceInstance, action: str) -> Operation:
    """A new operation on ``instance``, its first step deferred in the current transaction."""
    first = "remove_certificate" if action == DEPROVISION else "create_account"
    operation = Operation(instance=instance, action=action)
    db.session.add(operation)
    db.session.flush()
    advance(operation, first)
    return operation


def advance(operation: Operation, following: str, *, delay: timedelta | None = None) -> None:
    """Record ``following`` as the operation's step and defer it (``DONE``: it succeeded)."""
    operation.updated_at = utcnow()
    if following == DONE:
        operation.state, operation.step, operation.step_description = SUCCEEDED, None, COMPLETE
        return
    operation.step, operation.step_description = following, DESCRIPTIONS[following]
    task = STEPS[following]
    configured = task.configure(schedule_in={"seconds": delay.total_seconds()}) if delay else task
    configured.defer(operation_id=operation.id)


def requeue(operation: Operation) -> None:
    """Run the operation's current step again (its worker died, or it was never picked up)."""
    assert operation.step is not None
    advance(operation, operation.step)


def cancel_pending(instance: ServiceInstance) -> None:
    """Stop the instance's operations in progress: their queued jobs are cancelled, and a job
    already running stops at its next step."""
    pending = [op for op in instance.operations if op.state == IN_PROGRESS]
    for operation in pending:
        operation.canceled_at = utcnow()
        operation.state, operation.step = FAILED, None
        operation.step_description = "Canceled: the instance is being deprovisioned"
    if pending:
        db.session.execute(
            text(
                "UPDATE procrastinate_jobs SET status = 'cancelled' WHERE status = 'todo'"
                " AND (args->>'operation_id')::bigint = ANY(:ids)"
            ),
            {"ids": [op.id for op in pending]},
        )


@step("Registering the broker with the ACME server")
def create_account(operation: Operation) -> str:
    _account()
    return "create_key"


@step("Creating the private key and the certificate signing request")
def create_key(operation: Operation) -> str:
    if operation.certificate is None:
        domains = operation.instance.domain_names
        encrypted = encrypt_key(new_private_key())
        operation.certificate = Certificate(
            instance=operation.instance,
            domains=domains,
            private_key=encrypted,
            csr_pem=acme_client.csr_for(key_pem(encrypted), domains),
        )
    return "create_order"


@step("Ordering the certificate from the ACME server")
def create_order(operation: Operation) -> str:
    certificate = _certificate(operation)
    if certificate.order is None:
        certificate.order = acme_client.new_order(_client(), certificate.csr_pem)
    return "publish_records"


@step("Publishing the DNS-01 TXT records")
def publish_records(operation: Operation) -> str:
    certificate = _certificate(operation)
    assert certificate.order is not None
    provider = dns_provider()
    for domain, value in acme_client.dns_records(_client(), certificate.order).items():
        provider.set_txt(record_name(domain), value)
    return "answer_challenges"


@step("Waiting for the ACME server to validate the domains")
def answer_challenges(operation: Operation) -> str | None:
    certificate = _certificate(operation)
    assert certificate.order is not None
    try:
        certificate.order = acme_client.answer_challenges(_client(), certificate.order)
    except acme_client.ChallengeError as failure:
        return _validation_failed(operation, certificate, str(failure))
    return "download_certificate"


@step("Finalizing the order and downloading the certificate")
def download_certificate(operation: Operation) -> str:
    certificate = _certificate(operation)
    assert certificate.order is not None
    if certificate.fullchain_pem is None:
        certificate.fullchain_pem = acme_client.finalize(_client(), certificate.order)
        certificate.expires_at = acme_client.expiry(certificate.fullchain_pem)
    return "install_certificate"


@step("Installing the certificate")
def install_certificate(operation: Operation) -> str:
    certificate = _certificate(operation)
    installer().install(certificate)
    provider = dns_provider()
    for domain in certificate.domains:
        provider.clear_txt(record_name(domain))
    return DONE


@step("Removing the certificates, their keys and DNS records")
def remove_certificate(operation: Operation) -> str:
    instance = operation.instance
    installer().remove(instance)
    provider = dns_provider()
    for name in {d for c in instance.certificates for d in c.domains} | {*instance.domain_names}:
        provider.clear_txt(record_name(name))
    instance.certificates.clear()  # the keys with them
    instance.domains.clear()  # free for another instance
    instance.deleted_at = utcnow()
    return DONE


def _validation_failed(operation: Operation, certificate: Certificate, why: str) -> None:
    """Drop the order, whose challenges are spent; order anew later, or give up."""
    certificate.order = None
    operation.failed_validations += 1
    if operation.failed_validations >= MAX_VALIDATION_FAILURES:
        operation.state, operation.step = FAILED, None
        operation.step_description = (
            f"DNS validation failed {operation.failed_validations} times ({why}). Check that "
            "_acme-challenge.DOMAIN is a CNAME to the broker's zone, then update the instance."
        )
        return
    advance(operation, "create_order", delay=VALIDATION_RETRY)
    operation.step_description = f"DNS validation failed ({why}); ordering again shortly"


def _certificate(operation: Operation) -> Certificate:
    assert operation.certificate is not None, "create_key runs first"
    return operation.certificate


def _account() -> AcmeAccount:
    """The broker's account with the configured ACME server, registered the first time."""
    directory = current_app.config["ACME_DIRECTORY_URL"]
    account = db.session.scalar(select(AcmeAccount).where(AcmeAccount.directory_url == directory))
    if account is None:
        key = new_private_key()
        uri = acme_client.register(acme_client.account_client(key))
        account = AcmeAccount(directory_url=directory, private_key=encrypt_key(key), uri=uri)
        db.session.add(account)
        db.session.flush()
    return account


def _client() -> client.ClientV2:
    account = _account()
    return acme_client.account_client(decrypt_key(account.private_key), account.uri)
