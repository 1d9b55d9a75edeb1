"""A local ACME server and its DNS, for development and tests: Debian's ``pebble`` package.

``pebble`` is a small ACME server (Let's Encrypt's test server); ``pebble-challtestsrv`` is the DNS
server it asks for the DNS-01 records, whose HTTP management API lets the broker publish them
(dns.py). Both run on free loopback ports with their files in one folder, so two projects or two
test sessions never collide. pebble's own HTTPS listener gets a certificate from a throwaway CA
made here; clients trust that CA file only, never the system's store.

``kiln serve`` starts it beside the app, as ``[tool.kiln.services.acme]`` in pyproject.toml
declares: ``python -m <package>.acme_stack FOLDER`` writes ``FOLDER/environ`` (the settings the app
and the worker need) once both servers answer, and stops them on SIGTERM. The tests start it once
per session (tests/conftest.py).
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PROGRAMS = ("pebble", "pebble-challtestsrv")
INSTALL = "sudo apt-get install pebble (Debian and Ubuntu)"
ENVIRON_FILE = "environ"
READY_TIMEOUT = 20.0
# pebble is deliberately flaky to shake out client bugs: slow validations, rejected nonces,
# reused authorizations. Development and tests want the plain protocol, fast.
PEBBLE_ENVIRON = {"PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0", "PEBBLE_AUTHZREUSE": "0"}


class StackError(RuntimeError):
    """The programs are not installed, or did not start; the message says how to fix it."""


@dataclass(frozen=True)
class Stack:
    """Where the running servers answer: the settings the app reads (config.py)."""

    directory_url: str
    ca_file: Path
    dns_management_url: str
    pebble_management_url: str
    dns_port: int

    def environ(self) -> dict[str, str]:
        return {
            "ACME_DIRECTORY_URL": self.directory_url,
            "ACME_CA_FILE": str(self.ca_file),
            "DNS_MANAGEMENT_URL": self.dns_management_url,
        }


def missing_programs() -> list[str]:
    return [program for program in PROGRAMS if shutil.which(program) is None]


@contextmanager
def running(folder: Path, *, certificate_minutes: int | None = None) -> Iterator[Stack]:
    """pebble and its DNS server while the body runs, their files in ``folder``.

    ``certificate_minutes`` shortens the certificates pebble issues (renewal tests)."""
    missing = missing_programs()
    if missing:
        raise StackError(f"{' and '.join(missing)} not found on PATH: {INSTALL}")
    folder.mkdir(parents=True, exist_ok=True)
    ca_file, cert_file, key_file = _tls_files(folder)
    dns, http01, dns_management, listen, management = _free_ports(5)
    config = {
        "pebble": {
            "listenAddress": f"127.0.0.1:{listen}",
            "managementListenAddress": f"127.0.0.1:{management}",
            "certificate": str(cert_file),
            "privateKey": str(key_file),
            "httpPort": http01,
            "tlsPort": 0,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": False,
        }
    }
    if certificate_minutes:
        config["pebble"]["certificateValidityPeriod"] = certificate_minutes * 60
    config_file = folder / "pebble.json"
    config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    log = (folder / "servers.log").open("a", encoding="utf-8")
    processes = [
        _start(
            [
                *("pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""),
                *("-dns01", f"127.0.0.1:{dns}", "-http01", f"127.0.0.1:{http01}"),
                *("-https01", "", "-tlsalpn01", "", "-management", f"127.0.0.1:{dns_management}"),
            ],
            log,
        ),
        _start(
            ["pebble", "-config", str(config_file), "-dnsserver", f"127.0.0.1:{dns}", "-strict"],
            log,
            PEBBLE_ENVIRON,
        ),
    ]
    stack = Stack(
        directory_url=f"https://127.0.0.1:{listen}/dir",
        ca_file=ca_file,
        dns_management_url=f"http://127.0.0.1:{dns_management}",
        pebble_management_url=f"https://127.0.0.1:{management}",
        dns_port=dns,
    )
    try:
        _wait_until_ready(stack, processes, folder / "servers.log")
        yield stack
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
        log.close()


def root_certificate(stack: Stack) -> x509.Certificate:
    """The root pebble signs with: a new one on every start."""
    context = ssl.create_default_context(cafile=str(stack.ca_file))
    with urllib.request.urlopen(f"{stack.pebble_management_url}/roots/0", context=context) as r:
        return x509.load_pem_x509_certificate(r.read())


def txt_records(stack: Stack, name: str) -> list[str]:
    """The TXT records the stack's DNS server gives for ``name``: what pebble sees."""
    labels = b"".join(bytes([len(label)]) + label.encode() for label in name.strip(".").split("."))
    query = (
        struct.pack(">6H", 0x6B6E, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack(">2H", 16, 1)
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(2)
        client.sendto(query, ("127.0.0.1", stack.dns_port))
        reply = client.recv(4096)
    (answers,) = struct.unpack(">H", reply[6:8])
    offset, found = len(query), []
    for _ in range(answers):
        offset = _past_name(reply, offset)
        kind, _, _, length = struct.unpack(">HHIH", reply[offset : offset + 10])
        offset += 10
        if kind == 16:  # TXT: one length-prefixed string here
            found.append(reply[offset + 1 : offset + 1 + reply[offset]].decode())
        offset += length
    return found


def _past_name(reply: bytes, offset: int) -> int:
    while reply[offset]:
        if reply[offset] >= 0xC0:  # a pointer ends the name
            return offset + 2
        offset += reply[offset] + 1
    return offset + 1


def _start(
    argv: list[str], log: TextIO, extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(extra or {})},
    )


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for each in sockets:
            each.bind(("127.0.0.1", 0))
        return [each.getsockname()[1] for each in sockets]
    finally:
        for each in sockets:
            each.close()


def _wait_until_ready(stack: Stack, processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    context = ssl.create_default_context(cafile=str(stack.ca_file))
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        if any(process.poll() is not None for process in processes):
            raise StackError(f"pebble stopped while starting; its log: {log}")
        if _answers(stack.directory_url, context) and _answers(stack.dns_management_url, None):
            return
        if time.monotonic() > deadline:
            raise StackError(f"pebble did not answer within {READY_TIMEOUT:.0f} s: {log}")
        time.sleep(0.05)


def _answers(url: str, context: ssl.SSLContext | None) -> bool:
    """Whether a server answers at ``url`` at all: an HTTP error is an answer."""
    try:
        urllib.request.urlopen(url, context=context, timeout=1).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def _tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate it signs for 127.0.0.1 and localhost: pebble's HTTPS listener."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "local ACME server CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files = folder / "ca.pem", folder / "pebble.pem", folder / "pebble.key"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    files[2].chmod(0o600)
    return files


def main(argv: list[str]) -> int:
    """``python -m PACKAGE.acme_stack FOLDER``: run until SIGTERM, settings in FOLDER/environ."""
    if len(argv) != 1:
        print("usage: python -m PACKAGE.acme_stack FOLDER", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    environ_file = folder / ENVIRON_FILE
    environ_file.unlink(missing_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with running(folder) as stack:
            lines = [f"{name}={value}" for name, value in stack.environ().items()]
            environ_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(
                f"ACME directory {stack.directory_url}, DNS {stack.dns_management_url}", flush=True
            )
            while True:
                signal.pause()
    except StackError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        environ_file.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
