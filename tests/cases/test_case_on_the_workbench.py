"""Workbench pages: list, new case, on-the-spot, detail with timeline, action forms, export."""

import io
import re
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxiang.cases.models import Case, Stage

from .conftest import COMPANY_USCI


def test_list_and_detail(client_for, flow, handler_a):
    case = flow.investigating()
    c = client_for(handler_a)
    page = c.get("/cases/").content.decode()
    assert case.number in page
    detail = c.get(f"/cases/{case.pk}/").content.decode()
    assert "全过程记录" in detail and "现场检查" in detail
    assert "已入账本" in detail
    assert "调查终结" in detail  # an available action
    assert "style=" not in detail and "<script>" not in detail


def test_list_query_count_constant(client_for, flow, handler_a, steady_calendar):
    c = client_for(handler_a)
    flow.opened()
    c.get("/cases/")  # warm-up: caches (calendar snapshot) loaded before counting
    with CaptureQueriesContext(connection) as small:
        c.get("/cases/")
    for _ in range(5):
        flow.opened()
    with CaptureQueriesContext(connection) as big:
        c.get("/cases/")
    assert len(big) == len(small)
    assert not any(
        "COUNT(" in q["sql"].upper() for q in big.captured_queries if "cases_case" in q["sql"]
    )


def test_other_agency_page_404(client_for, flow, handler_b):
    case = flow.opened()
    c = client_for(handler_b)
    assert c.get(f"/cases/{case.pk}/").status_code == 404
    assert c.post(f"/cases/{case.pk}/act/start_investigation/").status_code == 404


def test_new_case_form(client_for, handler_a, officer_a1, officer_a2, power_a):
    c = client_for(handler_a)
    assert "提请立案" in c.get("/cases/new/").content.decode()
    r = c.post(
        "/cases/new/",
        {
            "act_type": "penalty_general",
            "title": "无照经营",
            "power": power_a.pk,
            "source": "patrol",
            "officers": [officer_a2.pk],
            "party_type": "legal_person",
            "party_name": "好味公司",
            "usci": "91110108MA01ABCD0C",
        },
    )
    assert r.status_code == 200 and "统一社会信用代码有误" in r.content.decode()
    r = c.post(
        "/cases/new/",
        {
            "act_type": "penalty_general",
            "title": "无照经营",
            "power": power_a.pk,
            "source": "patrol",
            "officers": [officer_a2.pk],
            "party_type": "legal_person",
            "party_name": "好味公司",
            "usci": COMPANY_USCI,
        },
    )
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert case.parties.get().usci == COMPANY_USCI


def test_action_forms(client_for, flow, handler_a, head_a):
    case = flow.opened()
    c = client_for(handler_a)
    # inline action (no input)
    r = c.post(f"/cases/{case.pk}/act/start_investigation/")
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATION
    # form action with validation and a domain refusal shown on the form
    form = c.get(f"/cases/{case.pk}/act/record_event/").content.decode()
    assert 'name="officers"' in form and 'type="datetime-local"' in form
    r = c.post(
        f"/cases/{case.pk}/act/record_event/",
        {
            "activity": "interview",
            "description": "询问当事人",
            "officers": [handler_a.officer.pk],
        },
    )
    assert r.status_code == 200 and "第四十二条" in r.content.decode()
    # head-only action is not offered to a handler
    r = c.get(f"/cases/{case.pk}/act/terminate_case/")
    assert r.status_code == 302
    r = c.post(f"/cases/{case.pk}/act/terminate_case/", {"reason": "x"})
    assert r.status_code == 200 and "机关负责人" in r.content.decode()


def test_decide_form_shows_blockers(client_for, flow, head_a):
    case = flow.in_decision()
    page = client_for(head_a).get(f"/cases/{case.pk}/act/decide/").content.decode()
    assert "未告知" in page


def test_on_the_spot_page(client_for, handler_a, officer_a1, officer_a2, power_a):
    c = client_for(handler_a)
    assert "第五十一条" in c.get("/cases/on-the-spot/").content.decode()
    r = c.post(
        "/cases/on-the-spot/",
        {
            "power": power_a.pk,
            "title": "占道经营",
            "facts": "摆摊",
            "basis": "条例",
            "place": "解放路",
            "party_type": "natural_person",
            "party_name": "张三",
            "id_number": "110101199003077774",
            "penalty_kinds": ["fine"],
            "fine": "100",
            "officers": [officer_a1.pk, officer_a2.pk],
            "paid_on_spot": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()
    case = Case.objects.get()
    assert case.paid_amount == 100


def test_export_download(client_for, flow, handler_a, handler_b):
    case = flow.opened()
    assert client_for(handler_b).post(f"/cases/{case.pk}/export/").status_code == 404
    r = client_for(handler_a).post(f"/cases/{case.pk}/export/")
    assert r.status_code == 200
    data = b"".join(r.streaming_content)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(re.search(r"data/ledger-bundle\.json$", n) for n in names)
    assert any(n.endswith("manifest-sha256.txt") for n in names)


def test_workbench_panel(client_for, handler_a, head_a, officer_a1, power_a):
    from sanxiang.cases import services

    case = services.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type="penalty_general",
        title="待批案件",
        source="patrol",
        power=power_a,
    )
    r = client_for(head_a).get("/", follow=True)
    page = r.content.decode()
    assert "待审批立案" in page and case.title in page


def test_decide_form_prefilled_with_proposed_penalty(client_for, flow, head_a):
    case = flow.in_decision()
    case.refresh_from_db()
    assert case.proposed_fine  # the investigation proposed a fine
    page = client_for(head_a).get(f"/cases/{case.pk}/act/decide/").content.decode()
    assert f'value="{case.proposed_fine}"' in page
    assert 'value="fine" checked' in page


def test_a_step_already_taken_is_not_the_highlighted_next_step():
    """After the 告知 (and a waiver), the page points at 作出决定, not at 告知 again (role
    walk, issue #13)."""
    import datetime as dt
    from types import SimpleNamespace

    from sanxiang.cases.views import is_primary

    fresh = SimpleNamespace(notice_at=None, hearing_at=None)
    notified = SimpleNamespace(notice_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC), hearing_at=None)
    assert is_primary(fresh, "send_prior_notice")
    assert not is_primary(notified, "send_prior_notice")
    assert is_primary(notified, "decide")
    assert not is_primary(notified, "withdraw")
