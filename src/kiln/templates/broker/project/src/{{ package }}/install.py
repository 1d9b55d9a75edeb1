"""Putting an issued certificate where the traffic is: an interface, and one that needs no cloud.

The reference brokers upload certificates to a CDN or a load balancer (AWS IAM + CloudFront or
an ALB listener). ``RecordingInstaller`` needs no cloud: it marks the certificate installed in the
database, which is enough for development, tests and a platform that reads certificates from the
broker's database. Write yours with the same two methods and return it from ``installer``.
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app

from .models import Certificate, ServiceInstance, utcnow


class Installer(Protocol):
    def install(self, certificate: Certificate) -> None:
        """Serve ``certificate`` for its instance's domains; safe to call again."""

    def remove(self, instance: ServiceInstance) -> None:
        """Stop serving the instance's certificates; safe to call again."""


class RecordingInstaller:
    def install(self, certificate: Certificate) -> None:
        if certificate.installed_at is None:
            certificate.installed_at = utcnow()
            current_app.logger.info(
                "certificate %s installed for %s", certificate.id, ", ".join(certificate.domains)
            )

    def remove(self, instance: ServiceInstance) -> None:
        for certificate in instance.certificates:
            certificate.installed_at = None


def installer() -> Installer:
    return RecordingInstaller()
