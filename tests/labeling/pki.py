"""A throwaway local CA and provider certificates for C2PA tests, made with `cryptography`.

Why a CA: c2pa-rs refuses a self-signed signing certificate, so the leaf is issued by a tiny CA
with the extensions C2PA asks of a signer (digitalSignature, emailProtection EKU, SKI/AKI).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Pki:
    ca_pem: Path
    chain_pem: Path  # leaf first, then the CA
    key_pem: Path
    self_signed_pem: Path  # a self-signed leaf (C2PA refuses it)
    self_signed_key: Path


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "aisgf test")]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def make_pki(d: Path, provider: str = "Example AIGC Provider") -> Pki:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(_name("aisgf test CA")).issuer_name(_name("aisgf test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    def leaf(issuer: x509.Name, signing_key: ec.EllipticCurvePrivateKey, key: ec.EllipticCurvePrivateKey,
             subject: str) -> x509.Certificate:
        return (
            x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False
            )
            .sign(signing_key, hashes.SHA256())
        )

    key = ec.generate_private_key(ec.SECP256R1())
    cert = leaf(ca.subject, ca_key, key, provider)
    own_key = ec.generate_private_key(ec.SECP256R1())
    own = leaf(_name("self-signed provider"), own_key, own_key, "self-signed provider")
    d.mkdir(parents=True, exist_ok=True)
    pki = Pki(d / "ca.pem", d / "chain.pem", d / "provider.key", d / "self.pem", d / "self.key")
    pki.ca_pem.write_bytes(_pem(ca))
    pki.chain_pem.write_bytes(_pem(cert) + _pem(ca))
    pki.key_pem.write_bytes(_key_pem(key))
    pki.self_signed_pem.write_bytes(_pem(own))
    pki.self_signed_key.write_bytes(_key_pem(own_key))
    return pki
