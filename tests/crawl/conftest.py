"""Crawl fixtures: a self-signed certificate made at test time, and servers with options
(HTTPS, a «not found» template for every missing address) that the shared ``serve`` lacks."""

from __future__ import annotations

import datetime
import ipaddress

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mumcheck.siteserver import SiteServer

IDN_HOST = "уо-пример.рф"
IDN_ASCII = IDN_HOST.encode("idna").decode("ascii")


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory) -> tuple[str, str]:
    """(certificate PEM, key PEM) of a self-signed certificate for 127.0.0.1 and the .рф host."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mumcheck test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName(IDN_ASCII)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.fixture
def site_server(tmp_path):
    """site_server(files, faults=None, **SiteServer options) → a started server for those files."""
    servers = []

    def build(files: dict[str, str | bytes], faults=None, manifest: dict | None = None, **options) -> SiteServer:
        root = tmp_path / f"srv{len(servers)}"
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        root.mkdir(parents=True, exist_ok=True)
        if manifest:
            (root / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
        server = SiteServer(root, faults=faults, **options).start()
        servers.append(server)
        return server

    yield build
    for server in servers:
        server.stop()
