"""The ACME protocol through certbot's ``acme`` library: account, order, challenges, certificate.

Everything an order needs is kept as JSON on the certificate's row, so each step can be run
again after a crash and carry on with the same order instead of starting over.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import josepy as jose
from acme import challenges, client, crypto_util, errors, messages
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app

USER_AGENT = "osb-certificate-broker"
# How long one step waits for the ACME server to validate or issue before it gives up.
DEADLINE = timedelta(seconds=90)


class ChallengeError(Exception):
    """The ACME server could not validate a domain (the TXT record missing or wrong)."""


def account_client(key: ec.EllipticCurvePrivateKey, uri: str | None = None) -> client.ClientV2:
    """A client for the configured ACME server, signed with ``key`` (its account at ``uri``)."""
    jwk = jose.JWKEC(key=key)
    account = messages.RegistrationResource(body=messages.Registration(), uri=uri) if uri else None
    network = client.ClientNetwork(
        jwk,
        account=account,
        alg=jose.ES256,
        verify_ssl=current_app.config["ACME_CA_FILE"] or True,
        user_agent=USER_AGENT,
    )
    directory = client.ClientV2.get_directory(current_app.config["ACME_DIRECTORY_URL"], network)
    return client.ClientV2(directory, network)


def register(acme: client.ClientV2) -> str:
    """A new account, its terms agreed to; its URI."""
    email = current_app.config["ACME_EMAIL"]
    registration = messages.NewRegistration.from_data(email=email, terms_of_service_agreed=True)
    return str(acme.new_account(registration).uri)


def csr_for(key_pem: bytes, domains: list[str]) -> str:
    return crypto_util.make_csr(key_pem, domains).decode()


def new_order(acme: client.ClientV2, csr_pem: str) -> dict[str, Any]:
    order: dict[str, Any] = acme.new_order(csr_pem.encode()).to_json()
    return order


def dns_records(acme: client.ClientV2, order: dict[str, Any]) -> dict[str, str]:
    """Each domain of the order and the TXT value its DNS-01 challenge wants."""
    key = acme.net.key
    return {
        authorization.body.identifier.value: challenge.chall.validation(key)
        for authorization, challenge in _dns_challenges(order)
    }


def answer_challenges(acme: client.ClientV2, order: dict[str, Any]) -> dict[str, Any]:
    """Tell the server the records are there and wait for its verdict; the order, updated.

    An authorization already valid (a rerun) is not answered again."""
    resource = messages.OrderResource.from_json(order)
    for authorization in resource.authorizations:
        fresh, _ = acme.poll(authorization)
        if fresh.body.status == messages.STATUS_PENDING:
            [challenge] = [
                c for c in fresh.body.challenges if isinstance(c.chall, challenges.DNS01)
            ]
            acme.answer_challenge(challenge, challenge.chall.response(acme.net.key))
    try:
        updated = acme.poll_authorizations(resource, _deadline())
    except errors.ValidationError as error:
        problems = [
            f"{a.body.identifier.value}: {c.error.detail if c.error else 'invalid'}"
            for a in error.failed_authzrs
            for c in a.body.challenges
            if c.status == messages.STATUS_INVALID
        ]
        raise ChallengeError("; ".join(problems) or "validation failed") from None
    result: dict[str, Any] = updated.to_json()
    return result


def finalize(acme: client.ClientV2, order: dict[str, Any]) -> str:
    """The certificate chain (PEM) of an order whose challenges passed.

    An order finalized before (a rerun after a crash) is not finalized again: its certificate
    is fetched."""
    resource = messages.OrderResource.from_json(order)
    current = messages.Order.from_json(acme._post_as_get(resource.uri).json())
    resource = resource.update(body=current)
    if current.status in (messages.STATUS_VALID, messages.STATUS_PROCESSING):
        resource = acme.poll_finalization(resource, _deadline())
    else:
        resource = acme.finalize_order(resource, _deadline())
    return str(resource.fullchain_pem)


def expiry(fullchain_pem: str) -> datetime:
    from cryptography import x509

    return x509.load_pem_x509_certificate(fullchain_pem.encode()).not_valid_after_utc


def _dns_challenges(
    order: dict[str, Any],
) -> list[tuple[messages.AuthorizationResource, messages.ChallengeBody]]:
    resource = messages.OrderResource.from_json(order)
    return [
        (authorization, challenge)
        for authorization in resource.authorizations
        for challenge in authorization.body.challenges
        if isinstance(challenge.chall, challenges.DNS01)
    ]


def _deadline() -> datetime:
    """The ``acme`` library compares deadlines with its naive local ``datetime.now()``."""
    return datetime.now() + DEADLINE
