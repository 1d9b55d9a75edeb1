"""What the broker keeps: instances and their domains, operations, certificates, the ACME account.

Private keys are stored encrypted (``crypto.py``): a copy of the database alone gives no key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

IN_PROGRESS = "in progress"
SUCCEEDED = "succeeded"
FAILED = "failed"


def utcnow() -> datetime:
    return datetime.now(UTC)


class ServiceInstance(db.Model):
    """One provisioned service: a set of domains that get one certificate."""

    __tablename__ = "service_instances"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(255))
    plan_id: Mapped[str] = mapped_column(String(255))
    organization_guid: Mapped[str] = mapped_column(String(255))
    space_guid: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when a deprovision finished: the id stays taken, and last_operation answers 410.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    domains: Mapped[list[Domain]] = relationship(
        back_populates="instance", cascade="all, delete-orphan", order_by="Domain.name"
    )
    operations: Mapped[list[Operation]] = relationship(
        back_populates="instance", order_by="Operation.id"
    )
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="instance", cascade="all, delete-orphan", order_by="Certificate.id"
    )

    @property
    def domain_names(self) -> list[str]:
        return [domain.name for domain in self.domains]

    @property
    def installed_certificate(self) -> Certificate | None:
        installed = [c for c in self.certificates if c.installed_at is not None]
        return max(installed, key=lambda c: c.installed_at or utcnow(), default=None)


class Domain(db.Model):
    """A domain name an instance serves; unique, so no two instances can claim one."""

    __tablename__ = "domains"

    name: Mapped[str] = mapped_column(String(253), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("service_instances.id"), index=True)
    instance: Mapped[ServiceInstance] = relationship(back_populates="domains")


class Operation(db.Model):
    """A provision, update, renewal or deprovision: what ``last_operation`` reports."""

    __tablename__ = "operations"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("service_instances.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    # The step to run next (a task of jobs.py), and what it does, in words.
    step: Mapped[str | None] = mapped_column(String(50))
    step_description: Mapped[str] = mapped_column(Text, default="Queued")
    # How many times the challenges failed: a new order each time, up to a limit.
    failed_validations: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=func.now()
    )
    canceled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    instance: Mapped[ServiceInstance] = relationship(back_populates="operations")
    certificate: Mapped[Certificate | None] = relationship(back_populates="operation")


class Certificate(db.Model):
    """A key, its CSR, the ACME order, and once issued the certificate chain."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("service_instances.id"), index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), unique=True)
    domains: Mapped[list[str]] = mapped_column(JSON)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted (crypto.py)
    csr_pem: Mapped[str] = mapped_column(Text)
    # The ACME order as the server last described it: a rerun resumes it instead of a new one.
    order: Mapped[dict | None] = mapped_column(JSON)
    fullchain_pem: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    installed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    instance: Mapped[ServiceInstance] = relationship(back_populates="certificates")
    operation: Mapped[Operation] = relationship(back_populates="certificate")


class AcmeAccount(db.Model):
    """The broker's account with one ACME server: made once, used for every order."""

    __tablename__ = "acme_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    directory_url: Mapped[str] = mapped_column(Text, unique=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted (crypto.py)
    uri: Mapped[str] = mapped_column(Text)
