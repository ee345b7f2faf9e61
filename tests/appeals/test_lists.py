"""Excel export and print of the 复议/诉讼 and 移送 lists through ``core.lists`` (issue #15
item 5): the export holds only the user's scoped rows and the list's filters apply to it."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from sanxiang.appeals.models import Appeal
from sanxiang.transfers.models import PoliceTransfer
from tests.alerts.conftest import make_case

pytestmark = pytest.mark.django_db

D = dt.date(2026, 10, 12)


def _appeal(case, user, n, **over):
    data = {
        "agency": case.agency,
        "case": case,
        "kind": "reconsideration",
        "body": f"复议机关{n}",
        "reference": f"复字{n}号",
        "known_on": D,
        "applied_on": D + dt.timedelta(days=n),
        "application_deadline": D + dt.timedelta(days=60),
        "recorded_by": user,
    }
    data.update(over)
    return Appeal.objects.create(**data)


def _transfer(case, user, n, **over):
    day = D + dt.timedelta(days=n)
    data = {
        "agency": case.agency,
        "case": case,
        "reported_on": day,
        "approved_on": day,
        "approved_by": user,
        "approval_deadline": day + dt.timedelta(days=3),
        "police_authority": f"公安局{n}",
        "transferred_on": day,
        "transfer_deadline": day + dt.timedelta(days=1),
        "case_summary": "涉嫌犯罪",
        "received_on": day,
        "police_deadline": day + dt.timedelta(days=3),
        "recorded_by": user,
    }
    data.update(over)
    return PoliceTransfer.objects.create(**data)


@pytest.fixture
def rows(agency_a, agency_b, head_a, head_b):
    a1, a2, b1 = make_case(agency_a, 1), make_case(agency_a, 2), make_case(agency_b, 3)
    _appeal(a1, head_a, 1)
    _appeal(
        a2,
        head_a,
        20,
        kind="litigation",
        status="decided",
        outcome="revoked",
        accepted_on=D + dt.timedelta(days=21),
        decided_on=D + dt.timedelta(days=30),
    )
    _appeal(b1, head_b, 2)
    _transfer(a1, head_a, 1)
    _transfer(a2, head_a, 15, status="returned")
    _transfer(b1, head_b, 2)


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [r for r in ws.iter_rows(min_row=4, values_only=True)]


def _numbers(sheet):
    return sorted(r[0] for r in sheet)


@pytest.mark.parametrize("url", ["/appeals/", "/transfers/"])
def test_page_has_the_shared_filters_export_and_print(url, rows, client_for, supervisor):
    html = client_for(supervisor).get(url).content.decode()
    assert 'name="agency"' in html and 'name="date_from"' in html
    assert "导出 Excel" in html and "data-print" in html and "core/lists.js" in html


@pytest.mark.parametrize("url", ["/appeals/", "/transfers/"])
def test_supervisor_export_filters_by_agency(url, rows, client_for, supervisor, agency_a):
    client = client_for(supervisor)
    assert len(_sheet(client.get(url, {"format": "xlsx"}))) == 3
    only_a = _sheet(client.get(url, {"format": "xlsx", "agency": agency_a.pk}))
    assert _numbers(only_a) == ["市场监管局立〔2026〕1号", "市场监管局立〔2026〕2号"]
    html = client.get(url, {"agency": agency_a.pk}).content.decode()
    assert f"agency={agency_a.pk}&amp;format=xlsx" in html


@pytest.mark.parametrize("url", ["/appeals/", "/transfers/"])
def test_agency_export_holds_only_its_own_rows(url, rows, client_for, head_b, agency_a):
    client = client_for(head_b)
    for params in ({"format": "xlsx"}, {"format": "xlsx", "agency": agency_a.pk}):
        numbers = _numbers(_sheet(client.get(url, params)))
        assert all("市场监管局" not in n for n in numbers)
    assert len(_sheet(client.get(url, {"format": "xlsx"}))) == 1


def test_appeal_filters_apply_to_the_export(rows, client_for, supervisor):
    client = client_for(supervisor)
    by_outcome = _sheet(client.get("/appeals/", {"format": "xlsx", "outcome": "revoked"}))
    assert _numbers(by_outcome) == ["市场监管局立〔2026〕2号"] and by_outcome[0][9] == "是"
    by_kind = _sheet(client.get("/appeals/", {"format": "xlsx", "kind": "litigation"}))
    assert len(by_kind) == 1
    by_status = _sheet(client.get("/appeals/", {"format": "xlsx", "status": "pending"}))
    assert len(by_status) == 2
    # decided in the month of the dashboard's drill-down (date_on=decided)
    window = {"date_on": "decided", "date_from": "2026-11-01", "date_to": "2026-11-30"}
    assert len(_sheet(client.get("/appeals/", {"format": "xlsx", **window}))) == 1
    applied = {"date_from": "2026-10-13", "date_to": "2026-10-14"}
    assert len(_sheet(client.get("/appeals/", {"format": "xlsx", **applied}))) == 2
    # the applicant (often a natural person) is not a column
    ws = load_workbook(io.BytesIO(client.get("/appeals/", {"format": "xlsx"}).content)).active
    assert "申请人/原告" not in [c.value for c in ws[3]]


def test_transfer_filters_apply_to_the_export(rows, client_for, supervisor):
    client = client_for(supervisor)
    returned = _sheet(client.get("/transfers/", {"format": "xlsx", "status": "returned"}))
    assert _numbers(returned) == ["市场监管局立〔2026〕2号"]
    window = {"date_from": "2026-10-13", "date_to": "2026-10-14"}
    assert len(_sheet(client.get("/transfers/", {"format": "xlsx", **window}))) == 2


@pytest.mark.parametrize("url", ["/appeals/", "/transfers/"])
def test_query_count_does_not_grow_with_rows(
    url, rows, client_for, supervisor, head_a, agency_a, django_assert_max_num_queries
):
    client = client_for(supervisor)
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url, {"format": "xlsx"}).status_code == 200
    for n in range(3, 9):
        _appeal(make_case(agency_a, 10 + n), head_a, n)
        _transfer(make_case(agency_a, 30 + n), head_a, n)
    with django_assert_max_num_queries(25):
        assert client.get(url, {"format": "xlsx"}).status_code == 200
