"""电子签章: every issued document's PDF carries its agency's PAdES signature (pyHanko).

Keys and certificates live under ``settings.KEYS_DIR`` (``var/keys``, never in git)::

    ca/ca_key.pem, ca/ca_cert.pem                  the platform's signing CA
    agencies/<id>/seal-<h>/seal_key.pem, seal_cert.pem  the agency's seal, issued by that CA
                                                   (<h>: hash of the agency's USCI and name)

In the embedded default both are created on first use (ECDSA P-256, 20 years): each directory is written in full to a temporary directory and
renamed into place, so concurrent first uses never see half a key pair and the loser of
the race uses the winner's. A deployment with certificates from the government CA puts
its own files at the same paths (the CA file may hold the whole chain) before first use.

The signature is PAdES baseline (``ETSI.CAdES.detached``, SHA-256) over the whole file
as issued; the document's SHA-256 recorded in the ledger is that of the signed file. To
check a document offline, take ``ca_cert.pem`` (public download ``/gs/yq/ca.pem``; the
page ``/gs/yq/`` checks an uploaded file) and any PAdES validator, e.g. pyHanko::

    pyhanko sign validate --trust ca_cert.pem 文书.pdf
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.keyfiles import create_dir_once

CA_NAME = "三项制度执法平台电子签章根证书"
FIELD = "AgencySeal"
CA_YEARS = 20
SEAL_YEARS = 20


def _keys_dir() -> Path:
    return Path(settings.KEYS_DIR)


def ca_dir() -> Path:
    return _keys_dir() / "ca"


def seal_dir(agency) -> Path:
    """One seal per agency identity: a renamed agency (or a new USCI) gets a new seal,
    the old one stays for checking what it signed."""
    ident = hashlib.sha256(f"{agency.usci}|{agency.name}".encode()).hexdigest()[:16]
    return _keys_dir() / "agencies" / str(int(agency.pk)) / f"seal-{ident}"


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _key_usage(**allowed) -> x509.KeyUsage:
    flags = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    return x509.KeyUsage(**(flags | allowed))


def _name(common_name, organization=None, serial=None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if serial:
        # GB/T 20518 puts the unified social credit code in the subject's serialNumber.
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _ensure_ca() -> None:
    directory = ca_dir()
    if (directory / "ca_cert.pem").exists():
        return
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(CA_NAME, CA_NAME)
    now = clock.now().astimezone(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            _key_usage(key_cert_sign=True, crl_sign=True),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    create_dir_once(
        directory,
        {
            "ca_key.pem": _pem_key(key),
            "ca_cert.pem": cert.public_bytes(serialization.Encoding.PEM),
        },
    )


def ca_certificate_pem() -> str:
    _ensure_ca()
    return (ca_dir() / "ca_cert.pem").read_text("ascii")


def _ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    _ensure_ca()
    cert = x509.load_pem_x509_certificates((ca_dir() / "ca_cert.pem").read_bytes())[0]
    key = serialization.load_pem_private_key((ca_dir() / "ca_key.pem").read_bytes(), None)
    return cert, key


def _ensure_seal(agency) -> Path:
    directory = seal_dir(agency)
    if (directory / "seal_cert.pem").exists():
        return directory
    ca_cert, ca_key = _ca()
    key = ec.generate_private_key(ec.SECP256R1())
    now = clock.now().astimezone(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(agency.name, agency.name, agency.usci or None))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(
            min(now + dt.timedelta(days=365 * SEAL_YEARS), ca_cert.not_valid_after_utc)
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            _key_usage(digital_signature=True, content_commitment=True),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    create_dir_once(
        directory,
        {
            "seal_key.pem": _pem_key(key),
            "seal_cert.pem": cert.public_bytes(serialization.Encoding.PEM),
        },
    )
    return directory


def seal_certificate_pem(agency) -> str:
    return (_ensure_seal(agency) / "seal_cert.pem").read_text("ascii")


def sign_pdf(agency, pdf: bytes, *, reason: str) -> bytes:
    """The PDF with the agency's PAdES signature appended (incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    directory = _ensure_seal(agency)
    signer = signers.SimpleSigner.load(
        str(directory / "seal_key.pem"),
        str(directory / "seal_cert.pem"),
        ca_chain_files=(str(ca_dir() / "ca_cert.pem"),),
    )
    if signer is None:
        raise ValueError(f"cannot load the seal of agency {agency.pk} from {directory}")
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=agency.name,
        name=agency.name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


@dataclasses.dataclass
class SealCheck:
    ok: bool
    signer: str = ""
    signed_at: dt.datetime | None = None
    problem: str = ""


def check_pdf(pdf: bytes) -> SealCheck:
    """Validate the embedded agency seal against the platform CA: intact, covering the
    whole file, and issued by the trusted CA. Offline (no revocation fetching)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any parse failure means: not a valid sealed PDF
        return SealCheck(False, problem=_("PDF 无法解析。"))
    if not signatures:
        return SealCheck(False, problem=_("PDF 中没有电子签章。"))
    trust = x509.load_pem_x509_certificates(ca_certificate_pem().encode("ascii"))
    from asn1crypto import x509 as asn1_x509

    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in trust]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    sig = signatures[-1]
    try:
        status = validate_pdf_signature(sig, context)
    except (SignatureValidationError, ValueError) as exc:
        return SealCheck(False, problem=_("电子签章校验出错：%(e)s") % {"e": exc})
    signer = (
        status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
    )
    if not status.intact or not status.valid:
        return SealCheck(
            False, signer, status.signer_reported_dt, _("电子签章与文件内容不符（文件被改动）。")
        )
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SealCheck(
            False, signer, status.signer_reported_dt, _("电子签章之后文件被追加修改。")
        )
    if not status.trusted:
        return SealCheck(False, signer, status.signer_reported_dt, _("签章证书不是本平台签发的。"))
    return SealCheck(True, signer, status.signer_reported_dt)
