"""Private keys encrypted at rest with ``KEY_ENCRYPTION_KEY`` (Fernet: AES and an HMAC).

Rotating the key: give ``MultiFernet`` the new key first and the old one after, re-encrypt.
"""

from __future__ import annotations

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app


def new_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def encrypt_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return _fernet().encrypt(pem)


def decrypt_key(token: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(_fernet().decrypt(token), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def key_pem(token: bytes) -> bytes:
    """The decrypted key as PEM, for the ACME client's CSR and for installing."""
    return _fernet().decrypt(token)


def _fernet() -> Fernet:
    return Fernet(current_app.config["KEY_ENCRYPTION_KEY"])
