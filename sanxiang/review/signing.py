"""Agency signing key for review-opinion PDFs (电子签章, embedded-default form).

Each agency gets an Ed25519 key pair on first use under
``settings.KEYS_DIR / "agencies" / <agency id> / "signing_ed25519.pem"`` (PKCS#8 PEM,
mode 0600, created atomically: write a temporary file, then ``link`` it into place).

The signature is *detached*: Ed25519 over the 32-byte SHA-256 digest of the PDF bytes,
stored next to the PDF (``Opinion.signature``) together with the agency's public key, so
anyone can verify the file offline (``verify_pdf``).

Production upgrade path: PAdES signatures embedded in the PDF with pyHanko and an agency
certificate issued by the government CA (pyHanko is not installed in this environment).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from sanxiang.core.keyfiles import create_file_once

ALGORITHM = "Ed25519(SHA-256(pdf))"
KEY_FILE = "signing_ed25519.pem"


def key_path(agency_id) -> Path:
    return Path(settings.KEYS_DIR) / "agencies" / str(int(agency_id)) / KEY_FILE


def _create_key(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    create_file_once(path, pem)


def private_key(agency_id) -> Ed25519PrivateKey:
    path = key_path(agency_id)
    if not path.exists():
        _create_key(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def public_key_pem(agency_id) -> str:
    pub = private_key(agency_id).public_key()
    return pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def fingerprint(public_pem: str) -> str:
    pub = serialization.load_pem_public_key(public_pem.encode("ascii"))
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign_pdf(agency_id, pdf: bytes) -> dict:
    """Detached signature of ``pdf``: sha256, signature (base64), public key, fingerprint."""
    digest = hashlib.sha256(pdf).digest()
    signature = private_key(agency_id).sign(digest)
    pem = public_key_pem(agency_id)
    return {
        "sha256": digest.hex(),
        "signature": base64.b64encode(signature).decode("ascii"),
        "algorithm": ALGORITHM,
        "public_key": pem,
        "fingerprint": fingerprint(pem),
    }


def verify_pdf(pdf: bytes, signature_b64: str, public_pem: str) -> bool:
    try:
        pub = serialization.load_pem_public_key(public_pem.encode("ascii"))
        if not isinstance(pub, Ed25519PublicKey):
            return False
        pub.verify(base64.b64decode(signature_b64), hashlib.sha256(pdf).digest())
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False
