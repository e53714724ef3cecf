"""Certificates for TLS tests, made with the openssl command: a CA, a server certificate it signs for
127.0.0.1 only (an IP SAN: a client checking the host name accepts 127.0.0.1 and refuses localhost), and an
unrelated CA (the wrong one)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Certificates:
    ca: Path
    server_cert: Path
    server_key: Path
    wrong_ca: Path

    @property
    def server(self) -> tuple[Path, Path, Path]:
        """What :meth:`MariaDB.start` takes as ``tls``."""
        return self.ca, self.server_cert, self.server_key


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _ca(directory: Path, name: str) -> tuple[Path, Path]:
    key, cert = directory / f"{name}.key", directory / f"{name}.pem"
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
             "-keyout", str(key), "-out", str(cert))  # fmt: skip
    return cert, key


def _signed(directory: Path, name: str, san: str, ca: tuple[Path, Path]) -> tuple[Path, Path]:
    key, request, cert = directory / f"{name}.key", directory / f"{name}.csr", directory / f"{name}.pem"
    extensions = directory / f"{name}.ext"
    extensions.write_text(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(request))
    _openssl("x509", "-req", "-in", str(request), "-CA", str(ca[0]), "-CAkey", str(ca[1]), "-CAcreateserial",
             "-days", "2", "-extfile", str(extensions), "-out", str(cert))  # fmt: skip
    return cert, key


def make_certificates(directory: Path) -> Certificates:
    directory.mkdir(parents=True, exist_ok=True)
    ca = _ca(directory, "test-ca")
    wrong = _ca(directory, "wrong-ca")
    server = _signed(directory, "server", "IP:127.0.0.1", ca)
    return Certificates(ca[0], server[0], server[1], wrong[0])
