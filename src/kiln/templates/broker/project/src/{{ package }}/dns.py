"""Where the DNS-01 records go: a DNS provider interface, and pebble's DNS server behind it.

Customers delegate ``_acme-challenge.<domain>`` by CNAME to a zone the broker controls
(``DNS_ZONE``): the broker then writes the TXT records in its own zone and never needs access to
theirs. Without ``DNS_ZONE`` the records go at the domain itself (development, where the local
DNS server answers for any name). Write a provider for your DNS service (Route 53, Cloud DNS…)
with the same two methods and return it from ``dns_provider``.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Protocol

from flask import current_app

CHALLENGE_LABEL = "_acme-challenge"


class DNSProvider(Protocol):
    def set_txt(self, name: str, value: str) -> None:
        """Publish ``value`` as the TXT record of ``name``, replacing what was there."""

    def clear_txt(self, name: str) -> None:
        """Remove the TXT record of ``name``; no error when there is none."""


class ChallTestSrv:
    """pebble-challtestsrv's management API (acme_stack.py): the DNS pebble asks."""

    def __init__(self, management_url: str) -> None:
        self.management_url = management_url.rstrip("/")

    def set_txt(self, name: str, value: str) -> None:
        self._post("set-txt", {"host": _fqdn(name), "value": value})

    def clear_txt(self, name: str) -> None:
        self._post("clear-txt", {"host": _fqdn(name)})

    def set_cname(self, name: str, target: str) -> None:
        """What a customer does at their DNS host to delegate the challenge (tests do it)."""
        self._post("set-cname", {"host": _fqdn(name), "target": _fqdn(target)})

    def clear_cname(self, name: str) -> None:
        self._post("clear-cname", {"host": _fqdn(name)})

    def _post(self, path: str, body: dict[str, str]) -> None:
        request = urllib.request.Request(
            f"{self.management_url}/{path}", data=json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10):
            pass


def dns_provider() -> DNSProvider:
    """The provider the configuration names."""
    return ChallTestSrv(current_app.config["DNS_MANAGEMENT_URL"])


def challenge_name(domain: str) -> str:
    """The name a customer's DNS asks for: ``_acme-challenge.<domain>``."""
    return f"{CHALLENGE_LABEL}.{domain}"


def record_name(domain: str) -> str:
    """Where the broker writes the TXT record for ``domain``: in its own zone when customers
    delegate to it by CNAME, else at the domain itself."""
    zone = current_app.config["DNS_ZONE"]
    return f"{CHALLENGE_LABEL}.{domain}.{zone}" if zone else challenge_name(domain)


def _fqdn(name: str) -> str:
    return name if name.endswith(".") else f"{name}."
