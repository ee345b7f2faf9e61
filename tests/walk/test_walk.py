"""Issue #13 "done when": each role's main path in headless Chromium, on a desktop
(1366×768) and a phone (390×844), by links and buttons only — the login page and the
portal's start page are the only typed addresses. Fails on any 4xx/5xx response, console
error, leaked internal code, or (phone) a page wider than the screen; see walker.py.

    handler   立案 → (head approves) → 调查: 现场检查 with its A/V upload → 调查终结 → 告知
              → 放弃陈述申辩 → 处罚决定书 draft → 送审
    head      立案审批, 分配审核人员, 作出决定 (after the review)
    reviewer  法制审核
    handler   确认公示, downloads the issued 决定书 (what the party receives)
    supervisor 监督看板 → the 立案 figure's list → its Excel export (a download event)
    public    search the decisions, open one, verify the 决定书 at 文书验签

``SANXIANG_WALK_SHOTS=<dir>`` writes one PNG per step (``make screenshots``)."""

import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.records.conftest import mp4_bytes

from .walker import VIEWPORTS, Walker

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # under libfaketime (make test-year-end) the walk is skipped before any fixture runs:
    # the live server's clock would be moved but the browser's and time_machine's would not
    pytest.mark.skipif(
        "faketime" in os.environ.get("LD_PRELOAD", ""), reason="browser walk under libfaketime"
    ),
]


def _shots():
    target = os.environ.get("SANXIANG_WALK_SHOTS")
    return Path(target) if target else None


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_role_walk(viewport, live_server, chromium, walk_org, tmp_path):
    w = Walker(chromium, live_server.url, viewport, _shots())
    try:
        walk(w, walk_org, tmp_path)
    finally:
        w.close()


def walk(w, org, tmp_path):
    # -- handler: 立案 ------------------------------------------------------------------
    page = w.login(org["handler"], "handler")
    w.nav("执法案件")
    w.check("cases")
    w.follow("登记案源 / 立案")
    w.check("case-new")
    page.select_option("#id_act_type", "penalty_general")
    page.fill("#id_title", "销售超过保质期的食品")
    page.select_option("#id_power", index=1)
    page.select_option("#id_source", "complaint")
    page.fill("#id_place", "测试县城关镇农贸市场")
    page.fill("#id_facts", "群众投诉当事人销售过期食品。")
    page.select_option("#id_party_type", "legal_person")
    page.fill("#id_party_name", "测试县好味食品有限公司")
    page.fill("#id_usci", "91110108MA01ABCD0B")
    page.fill("#id_legal_representative", "陈某")
    page.fill("#id_address", "测试县城关镇兴业路8号")
    for box in page.locator("input[name=officers]").all():
        box.check()
    w.submit()
    w.check("case-registered")

    # -- head: 立案审批 from the to-do list ---------------------------------------------------
    page = w.login(org["head"], "head")
    w.todo("销售超过保质期的食品", group="立案审批")
    w.check("case-to-approve")
    w.follow("批准立案")
    w.check("approve-form")
    w.submit()
    w.check("case-opened")

    # -- handler: 调查取证, 现场检查 with its A/V record uploaded -----------------------------
    page = w.login(org["handler"], "handler")
    w.nav("执法案件")
    w.open_row("销售超过保质期的食品")
    w.check("case")
    w.follow("开始调查取证")
    w.check("start-investigation")
    w.submit()
    w.check("investigating")
    w.follow("上传音像记录")
    w.check("upload")
    video = tmp_path / "现场检查.mp4"
    video.write_bytes(mp4_bytes(256 * 1024))
    page.select_option("#f-activity", "on_site_inspection")
    page.fill("#f-start", "2026-11-23T09:00")
    page.fill("#f-end", "2026-11-23T09:30")
    page.fill("#f-place", "测试县城关镇农贸市场")
    page.fill("#f-proves", "现场检查全过程，过期食品12袋")
    page.select_option("#f-kind", "video")
    page.set_input_files("#f-file", str(video))
    w.check("upload-filled")  # the times read 「2026/11/23 09:00」 in a Chinese browser
    page.click("#f-submit")
    page.locator("#f-status.ok").wait_for(timeout=60000)
    # once the file is in, the upload page goes on to the case's A/V records by itself
    # (upload.js, after 1.5 s): wait for it rather than race it
    page.wait_for_url(re.compile(r"/records/case/\d+/$"), timeout=60000)
    w.check("case-records")
    w.follow("销售超过保质期的食品")  # and those to the case
    w.check("case-after-upload")
    w.follow("记录执法活动")
    w.check("record-event")
    page.select_option("#id_activity", "on_site_inspection")
    page.fill("#id_description", "对经营场所进行现场检查，发现过期食品12袋。")
    page.fill("#id_place", "测试县城关镇农贸市场")
    for box in page.locator("input[name=officers]").all():
        box.check()
    page.fill("#id_evidence", "现场照片6张\n现场检查笔录")
    w.submit()
    w.check("inspection-recorded")
    w.follow("调查终结")
    w.check("finish-investigation")
    page.fill("#id_report", "事实清楚，证据确凿，建议罚款5000元。")
    page.check("input[name=proposed_penalty_kinds][value=fine]")
    page.fill("#id_proposed_fine", "5000")
    w.submit()
    w.check("investigation-finished")
    w.follow("告知（拟处罚）")
    w.check("notice-form")
    page.fill("#id_facts", "当事人销售过期食品12袋。")
    page.fill("#id_reasons", "违反食品安全法第三十四条。")
    page.fill("#id_basis", "《中华人民共和国食品安全法》第一百二十四条")
    page.check("input[name=penalty_kinds][value=fine]")
    page.fill("#id_fine", "5000")
    w.submit()
    w.check("notified")
    w.follow("登记书面放弃权利")
    w.check("waive-form")
    page.select_option("#id_what", "all")
    page.fill("#id_note", "当事人书面声明放弃陈述、申辩和听证的权利。")
    w.submit()
    w.check("waived")

    # -- handler: 处罚决定书 draft, then 送审 ----------------------------------------------
    w.follow("案件文书")
    w.check("case-documents")
    page.select_option("#id_kind", "penalty_decision")
    w.submit("生成草稿")
    w.check("decision-draft")
    page.fill("#id_evidence", "1. 现场检查笔录\n2. 现场照片6张\n3. 现场检查音像记录")
    w.submit("保存草稿")
    w.check("decision-saved")
    w.follow("前往案件办理页面")
    w.check("case-with-draft")
    w.follow("法制审核", exact=True)
    w.check("review-scope")
    page.check("input[name=public_interest]")
    page.fill("#note", "涉及食品安全，属重大公共利益。")
    w.submit("记录评估")
    w.check("scope-recorded")
    w.follow("提交法制审核")
    w.check("submit-form")
    page.fill("#proposal", "建议对当事人罚款5000元。")
    page.fill("#ref_proposal", "案卷第1页")
    page.fill("#ref_closure_report", "案卷第2-3页")
    page.fill("#ref_basis_evidence", "证据清单第1-3号")
    if page.locator("#tier option").count() > 1:
        page.select_option("#tier", index=1)
    page.fill("#justification", "按基准幅度内从轻。")
    w.submit("提交法制审核")
    w.check("submitted")

    # -- head: 分配审核人员 -------------------------------------------------------------------
    page = w.login(org["head"], "head")
    w.todo("销售超过保质期的食品", group="待分配审核")
    w.check("review-to-assign")
    w.submit("分配")
    w.check("assigned")

    # -- reviewer: 法制审核 (the checklist) ---------------------------------------------------
    page = w.login(org["reviewer"], "reviewer")
    w.todo("销售超过保质期的食品", group="法制审核")
    w.check("review-to-accept")
    w.submit("受理")
    w.check("accepted")
    for box in page.locator("input[type=radio][value=ok]").all():
        box.check()
    page.select_option("#kind", "agree")
    page.fill("#reasoning", "事实清楚，证据确凿，程序合法，适用依据正确，同意。")
    w.submit("出具审核意见")
    w.check("opinion")

    # -- head: 作出决定 (signs the 决定书) ---------------------------------------------------
    page = w.login(org["head"], "head")
    w.todo("销售超过保质期的食品", group="待作出决定")
    w.check("case-to-decide")
    w.follow("作出决定", exact=True)
    w.check("decide-form")
    page.select_option("#id_outcome", "penalty")
    page.check("input[name=penalty_kinds][value=fine]")
    page.fill("#id_fine", "5000")
    w.choose("#id_document", "行政处罚决定书")
    w.submit()
    w.check("decide-confirm")  # irreversible: the platform asks first
    w.submit("确认作出决定")
    w.check("decided")

    # -- handler: 确认公示; keeps the 决定书 PDF the party received ----------------------------
    page = w.login(org["handler"], "handler")
    w.todo("罚决", group="公示确认")
    w.check("publication-to-confirm")
    w.submit("确认脱敏预览并公示")
    w.check("published")
    w.nav("执法案件")
    w.open_row("销售超过保质期的食品")
    w.check("case-decided")
    w.follow("案件文书")
    w.check("case-documents-issued")
    w.open_row("行政处罚决定书")
    w.check("decision-document")
    pdf = tmp_path / "决定书.pdf"
    w.download("下载 PDF").save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # -- supervisor: 监督看板, then a drill-down list exported to Excel ------------------------
    page = w.login(org["supervisor"], "supervisor")
    w.nav("监督看板")
    w.check("dashboard")
    # the agency's 立案 figure in the data table opens the cases behind it
    w.open_row("市场监管局", scope="main section:has(#h-table)")
    w.check("drill-down")
    if "销售超过保质期的食品" not in w.text():
        w.fail("the 立案 figure does not open the agency's cases")
    xlsx = tmp_path / "导出.xlsx"
    w.download("导出 Excel").save_as(xlsx)
    cells = {c.value for row in load_workbook(xlsx).active.iter_rows() for c in row}
    assert "销售超过保质期的食品" in cells, "the Excel export lacks the listed case"
    w.check("exported")

    # -- public: search the decisions, open one, verify the 决定书 the party received ----------
    page = w.public()
    w.follow("执法决定（事后公开）", scope="body")
    w.check("decisions")
    page.fill("#q", "好味食品")
    w.follow("查询", scope="main form", exact=True)
    w.check("search-results")
    if "测试县好味食品有限公司" not in w.text():
        w.fail("the published decision is not found by the party's name")
    w.follow("测试县好味食品有限公司")
    w.check("decision-public")
    w.follow("文书验签", scope="body")
    w.check("seal-check")
    page.set_input_files("#pdf", str(pdf))
    w.follow("验签", scope="main form", exact=True)
    w.check("verified")
    if "电子签章：有效" not in w.text():
        w.fail("the issued 决定书 does not verify: " + w.text()[:200])
