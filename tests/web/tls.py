"""Certificates for the TLS hosts: one signed by a test CA (trustme), one self-signed."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def test_ca_context(ip: str, directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for `ip` signed by a fresh test CA, and the path of the CA's PEM."""
    ca = trustme.CA(organization_name="linkwatch test CA")
    cert = ca.issue_cert(ip)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    bundle = directory / "test-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return context, bundle


def self_signed_context(ip: str, directory: Path) -> ssl.SSLContext:
    """A server context for `ip` whose certificate signs itself (no CA vouches for it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ip)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "self-signed.pem"
    key_path = directory / "self-signed.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context
