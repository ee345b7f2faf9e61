"""电子签章: issued sealed documents carry the agency's PAdES signature, checked offline
against the platform CA; tampering, later additions and foreign certificates are caught."""

import io
import threading

import pytest
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from sanxiang.documents import seal, services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_keys(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "keys"


def _pdf(doc):
    return services.render_pdf(doc)


def test_issued_decision_carries_a_valid_agency_seal(make_issued, agency_a):
    doc = make_issued("penalty_decision")
    check = seal.check_pdf(_pdf(doc))
    assert check.ok, check.problem
    assert check.signer == agency_a.name and check.signed_at is not None
    assert services.verify_document(doc) == []
    # the certificate names the agency and its USCI, issued by the platform CA
    cert = seal.seal_certificate_pem(agency_a)
    from cryptography import x509

    subject = x509.load_pem_x509_certificate(cert.encode()).subject.rfc4514_string()
    assert agency_a.usci in subject
    assert "BEGIN CERTIFICATE" in seal.ca_certificate_pem()


def test_internal_records_are_not_sealed(make_issued):
    doc = make_issued("inspection_record")
    assert not seal.check_pdf(_pdf(doc)).ok  # no seal embedded
    assert services.verify_document(doc) == []  # and none expected


def test_a_changed_byte_breaks_the_seal(make_issued):
    data = _pdf(make_issued("penalty_decision"))
    i = len(data) // 3
    forged = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]
    check = seal.check_pdf(forged)
    assert not check.ok and check.problem


def test_an_update_appended_after_sealing_is_reported(make_issued):
    data = _pdf(make_issued("penalty_decision"))
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    writer.root["/Lang"] = pdf_string("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    check = seal.check_pdf(out.getvalue())
    assert not check.ok and "追加" in check.problem


def test_a_seal_from_another_ca_is_not_trusted(make_issued, agency_a, settings, tmp_path):
    unsealed = _pdf(make_issued("inspection_record"))
    settings.KEYS_DIR = tmp_path / "elsewhere"  # another CA, same agency name
    foreign = seal.sign_pdf(agency_a, unsealed, reason="伪造")
    settings.KEYS_DIR = tmp_path / "keys"
    check = seal.check_pdf(foreign)
    assert not check.ok and "不是本平台" in check.problem


def test_not_a_pdf_is_refused_cleanly():
    assert not seal.check_pdf(b"GIF89a not a pdf").ok
    assert not seal.check_pdf(b"").ok


def test_renamed_agency_gets_a_new_seal(agency_a):
    first = seal.seal_dir(agency_a)
    seal.seal_certificate_pem(agency_a)
    agency_a.name = agency_a.name + "（更名）"
    assert seal.seal_dir(agency_a) != first
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(seal.seal_certificate_pem(agency_a).encode())
    assert "（更名）" in cert.subject.rfc4514_string()


def test_concurrent_first_use_creates_one_ca_and_one_seal(agency_a):
    pems, errors = [], []

    def work():
        try:
            pems.append(seal.seal_certificate_pem(agency_a))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(set(pems)) == 1
    leftovers = [p.name for p in seal.seal_dir(agency_a).parent.iterdir()]
    assert leftovers == [seal.seal_dir(agency_a).name]


# --- the public page /gs/yq/ (文书验签) -------------------------------------------------


def _upload(client, data, name="文书.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/gs/yq/", {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")}
    )


def test_public_page_checks_an_uploaded_document(client, make_issued, agency_a):
    doc = make_issued("penalty_decision")
    page = client.get("/gs/yq/")
    assert page.status_code == 200 and "文书验签" in page.content.decode()
    ca = client.get("/gs/yq/ca.pem")
    assert ca.status_code == 200 and b"BEGIN CERTIFICATE" in ca.content
    good = _upload(client, _pdf(doc)).content.decode()
    assert "电子签章：<strong>有效</strong>" in good
    assert agency_a.name in good and doc.number in good
    data = _pdf(doc)
    i = len(data) // 3
    bad = _upload(client, data[:i] + bytes([data[i] ^ 1]) + data[i + 1 :]).content.decode()
    assert "电子签章：<strong>无效</strong>" in bad and "没有与该文件完全一致的签发记录" in bad


def test_public_page_refuses_bad_uploads(client):
    response = _upload(client, b"\x89PNG\r\n not a pdf", name="x.pdf")
    assert response.status_code == 400 and "不是 PDF" in response.content.decode()
    response = client.post("/gs/yq/", {})
    assert response.status_code == 400 and "请选择" in response.content.decode()
    from django.test import Client

    forged = Client(enforce_csrf_checks=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = forged.post("/gs/yq/", {"pdf": SimpleUploadedFile("a.pdf", b"%PDF-1.7")})
    assert response.status_code == 403


def test_public_page_refuses_an_oversized_file(client, monkeypatch):
    monkeypatch.setattr(services, "SEAL_CHECK_MAX_BYTES", 100)
    response = _upload(client, b"%PDF-1.7\n" + b"0" * 200)
    assert response.status_code == 400 and "超过 10 MB" in response.content.decode()
    assert services.check_sealed_file(b"%PDF-1.7\n")["record"] is None
