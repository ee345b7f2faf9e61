"""Who did what on the 案卷评查 pages (issue #13 item 8): the sampler, the evaluator and the
issuer, reporter and closer of a 整改通知 read 「姓名（角色，账号 x）」, so two people of the
same name are never confused; the sheet names the case's documents in words."""

import pytest

from sanxiang.evaluation import services
from sanxiang.org.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SUPERVISOR = "郑监督（监督人员，账号 supervisor）"


def test_round_and_sheet_name_the_sampler_and_evaluator_with_their_accounts(
    client_for, sampled, supervisor, sfj
):
    # a second supervisor of the same name must not be mistaken for the one who acted
    make_user("supervisor_2", Role.SUPERVISOR, sfj, "郑监督")
    client = client_for(supervisor)
    page = client.get(f"/evaluation/rounds/{sampled.pk}/").content.decode()
    assert f"（{SUPERVISOR}）" in page
    sheet = sampled.sheets.order_by("order").first()
    services.submit_sheet(sheet, supervisor, deductions={})
    page = client.get(f"/evaluation/sheets/{sheet.pk}/").content.decode()
    assert f"由 {SUPERVISOR} 于" in page
    assert "supervisor_2" not in page


def test_rectification_names_issuer_reporter_and_closer(client_for, rect, supervisor, handler_a):
    services.submit_report(rect, handler_a, report="已补正送达回证")
    rect.refresh_from_db()
    services.accept_report(rect, supervisor)
    page = client_for(handler_a).get(f"/evaluation/rectifications/{rect.pk}/").content.decode()
    assert page.count(f"（{SUPERVISOR}）") == 2  # 发出, 销号
    assert "（王执法（承办人，账号 handler_a））" in page  # 整改报告


def test_sheet_names_unnumbered_documents_by_kind_not_code(
    client_for, sampled, supervisor, monkeypatch
):
    """An issued document without a 文号 is named by its kind: 「行政处罚决定书」, not
    ``penalty_decision``."""
    sheet = sampled.sheets.order_by("order").first()
    original = services.case_facts
    monkeypatch.setattr(
        services,
        "case_facts",
        lambda case: {**original(case), "documents": [("", "penalty_decision")]},
    )
    page = client_for(supervisor).get(f"/evaluation/sheets/{sheet.pk}/").content.decode()
    assert "penalty_decision" not in page
    assert "行政处罚决定书" in page
