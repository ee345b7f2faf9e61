"""文书验签 of a genuine document that is not sealed by design (现场检查笔录): its registration
is valid and the page says so instead of 「无效」; a sealed one stays 有效, a forged one 无效."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sanxiang.documents import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_keys(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "keys"


def _upload(client, data):
    return client.post(
        "/gs/yq/", {"pdf": SimpleUploadedFile("文书.pdf", data, content_type="application/pdf")}
    ).content.decode()


def test_genuine_unsealed_record_is_registered_not_invalid(client, make_issued):
    doc = make_issued("inspection_record")
    html = _upload(client, services.render_pdf(doc))
    assert "本文书不加盖电子签章；其签发登记有效" in html
    assert "无效" not in html and "请勿以该文件" not in html
    assert doc.number in html


def test_forged_unsealed_record_is_invalid(client, make_issued):
    data = services.render_pdf(make_issued("inspection_record"))
    i = len(data) // 3
    html = _upload(client, data[:i] + bytes([data[i] ^ 1]) + data[i + 1 :])
    assert "电子签章：<strong>无效</strong>" in html
    assert "其签发登记有效" not in html


def test_sealed_decision_still_valid(client, make_issued):
    html = _upload(client, services.render_pdf(make_issued("penalty_decision")))
    assert "电子签章：<strong>有效</strong>" in html
    assert "不加盖电子签章" not in html


def test_issue_asks_first(client_for, case_a, handler_a):
    from tests.documents.conftest import complete_content

    doc = services.create_draft(case_a, "inspection_record", {}, handler_a)
    doc = services.update_draft(doc, complete_content("inspection_record", doc.content), handler_a)
    c = client_for(handler_a)
    page = c.post(f"/documents/{doc.pk}/issue/")
    html = page.content.decode()
    assert page.status_code == 200 and "此操作不可撤销" in html and "签发" in html
    doc.refresh_from_db()
    assert not doc.is_issued
    assert c.post(f"/documents/{doc.pk}/issue/", {"confirm": "1"}).status_code == 302
    doc.refresh_from_db()
    assert doc.is_issued
