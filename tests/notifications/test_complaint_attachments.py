"""Public complaints take photos and PDFs: type sniffed from the bytes, size and count
limits, forged extensions refused; stored content-addressed; shown to the handler only."""

import hashlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanxiang.complaints import attachments
from sanxiang.complaints.models import Complaint
from sanxiang.ledger.models import Leaf

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # the public site's 256 KiB body limit needs a /gs/ts/ entry for attachments (the
    # coordinator adds it to settings.REQUEST_BODY_LIMITS; see docs/workbench.md)
    settings.REQUEST_BODY_LIMITS = {**settings.REQUEST_BODY_LIMITS, "/gs/ts/": 60 * 1024 * 1024}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client(_media):
    from django.test import Client

    return Client()  # built after the limits above (the middleware reads them once)


def post(client, agency, *files, content="执法人员检查时未出示执法证件。"):
    data = {
        "kind": "report",
        "agency": agency.pk,
        "content": content,
        "name": "",
        "phone": "",
        "reference": "",
        "attachments": list(files),
    }
    return client.post(reverse("gs_ts:submit"), data)


def f(name, data, ctype="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=ctype)


def test_photo_and_pdf_stored_hashed_and_shown_to_handler_only(
    client, client_for, agency_a, handler_a, handler_b
):
    r = post(client, agency_a, f("现场.jpg", JPEG), f("合同.PDF", PDF))
    assert r.status_code == 200, r.content.decode()[-2000:]
    complaint = Complaint.objects.get()
    items = list(complaint.attachments.order_by("id"))
    assert [a.content_type for a in items] == ["image/jpeg", "application/pdf"]
    assert items[0].sha256 == hashlib.sha256(JPEG).hexdigest()
    with attachments.open_stored(items[1]) as fh:
        assert fh.read() == PDF
    leaf = Leaf.objects.filter(event_type="complaints.submitted").order_by("-index").first()
    assert items[0].sha256 in str(leaf.content)
    # the handler sees and opens them
    c = client_for(handler_a)
    page = c.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    url = reverse("complaints:attachment", args=[complaint.pk, items[0].pk])
    assert "现场.jpg" in page and url in page
    got = c.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == JPEG
    # another agency's officer cannot
    assert client_for(handler_b).get(url).status_code == 404
    # never the public site: the public cannot fetch them
    assert client.get(url).status_code in (302, 403, 404)


def test_bad_type_refused_and_form_keeps_input(client, agency_a):
    r = post(client, agency_a, f("说明.txt", b"just text, not a photo"), content="请查处违法行为。")
    html = r.content.decode()
    assert r.status_code == 400 and "不是照片" in html and "请查处违法行为。" in html
    assert not Complaint.objects.exists()


def test_forged_extension_refused(client, agency_a):
    r = post(client, agency_a, f("发票.pdf", JPEG, "application/pdf"))
    assert r.status_code == 400 and "扩展名与文件内容不符" in r.content.decode()
    exe = b"MZ\x90\x00" + b"\x00" * 100
    r = post(client, agency_a, f("照片.jpg", exe, "image/jpeg"))
    assert r.status_code == 400 and "不是照片" in r.content.decode()
    assert not Complaint.objects.exists()


def test_oversize_and_count_limits(client, agency_a, settings):
    settings.SANXIANG_COMPLAINT_ATTACHMENT_MB = 1
    big = JPEG + b"\x00" * (1024 * 1024)
    r = post(client, agency_a, f("大.jpg", big))
    assert r.status_code == 400 and "超过 1 MB" in r.content.decode()
    settings.SANXIANG_COMPLAINT_ATTACHMENTS = 2
    r = post(client, agency_a, *[f(f"{i}.jpg", JPEG) for i in range(3)])
    assert r.status_code == 400 and "最多 2 个" in r.content.decode()
    assert not Complaint.objects.exists()
