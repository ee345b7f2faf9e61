"""事前公开 content (head approval, versions, flowcharts) and the annual report."""

import pytest
from django.urls import reverse

from sanxiang.core.errors import DomainError
from sanxiang.ledger.models import Leaf
from sanxiang.publicity import portal, reports, services
from sanxiang.publicity.flowchart import stages, svg
from sanxiang.publicity.models import AnnualReport, PageStatus

from .conftest import publish, published

pytestmark = pytest.mark.django_db


def test_page_public_only_after_head_approval(
    client, agency_a, reviewer_a, head_a, head_b, officer_a1
):
    url = reverse("gs:agency", args=[agency_a.pk])
    page = portal.prepare_page(agency_a, reviewer_a, note="首次编制")
    assert client.get(url).status_code == 404
    for user in (reviewer_a, head_b):
        with pytest.raises(DomainError):
            portal.approve_page(page, user)
    portal.approve_page(page, head_a)
    html = client.get(url).content.decode()
    assert agency_a.name in html and "最后更新" in html and "首次公开" in html
    assert officer_a1.certificates.get().number in html
    assert "id_number" not in html
    # remedies with their time limits (statutory ones when no catalogue is published)
    assert "行政复议" in html and "60日" in html and "6个月" in html
    assert Leaf.objects.filter(event_type="publicity.content_approved").exists()
    assert agency_a.name in client.get(reverse("gs:agencies")).content.decode()


def test_unchanged_content_is_not_re_versioned_and_changes_listed(
    agency_a, head_a, handler_a, handler_b
):
    page = portal.prepare_page(agency_a, handler_a)
    portal.approve_page(page, head_a)
    with pytest.raises(DomainError):
        portal.prepare_page(agency_a, handler_a)
    agency_a.phone = "0571-12345678"
    agency_a.save()
    second = portal.prepare_page(agency_a, handler_a)
    assert second.version == 2 and second.changes == ["机关信息"]
    with pytest.raises(DomainError):
        portal.prepare_page(agency_a, handler_b)  # another agency


def test_rejected_page_never_shows(client, agency_a, head_a, handler_a):
    page = portal.prepare_page(agency_a, handler_a)
    with pytest.raises(DomainError):
        portal.reject_page(page, head_a, "")
    portal.reject_page(page, head_a, "缺少服务指南")
    assert page.__class__.objects.get(pk=page.pk).status == PageStatus.REJECTED
    assert client.get(reverse("gs:agency", args=[agency_a.pk])).status_code == 404


def test_flowchart_from_case_state_machine(client, agency_a, head_a, handler_a):
    names = [label for _code, label in stages("penalty_general")]
    assert names[0] == "立案" and names[-1] == "归档" and len(names) == 7
    chart = svg("penalty_simple")
    assert chart.startswith("<svg") and "<title" in chart and "送达" in chart
    portal.approve_page(portal.prepare_page(agency_a, handler_a), head_a)
    r = client.get(reverse("gs:flowchart", args=[agency_a.pk, "penalty_general"]))
    assert r.status_code == 200 and r["Content-Type"].startswith("image/svg+xml")


def test_annual_report_counts_charts_and_pdf(client, agency_a, sfj, handler_a, head_a, supervisor):
    published(agency_a, handler_a)
    pub = published(agency_a, handler_a)
    services.withdraw_publication(pub, kind="revoked", reason="复议撤销", actor=head_a)
    publish(agency_a)  # pending
    year = pub.decision_date.year
    made = reports.generate(year, agencies=[agency_a, sfj], actor=supervisor)
    assert len(made) == 2
    own = AnnualReport.objects.get(agency=agency_a, year=year)
    assert own.data["total"] == 3 and own.data["published"] == 2
    assert own.data["by_category"] == {"行政处罚": 3}
    assert own.data["withdrawals"] == {"撤销": 1}
    region = AnnualReport.objects.get(agency=sfj, year=year)
    assert region.is_region and region.data["total"] == 3
    assert reports.generate(year, agencies=[agency_a]) == []  # published reports never change
    html = client.get(reverse("gs:report", args=[own.pk])).content.decode()
    assert "执法决定总数" in html and "按时公开率" in html
    # the supervision figures of the year (issue #15 item 6), from each app's own records
    assert own.data["appeals"] == {"被复议": 0, "被诉": 0, "被纠错": 0}
    assert own.data["alerts_total"] == 0 and own.data["patrol_rounds"] == 0
    assert "被复议率" in html and "被纠错率" in html and "网上巡查" in html
    assert b"<svg" in client.get(reverse("gs:report_chart", args=[own.pk, "alerts"])).content
    chart = client.get(reverse("gs:report_chart", args=[own.pk, "by_category"]))
    assert b"<svg" in chart.content and "行政处罚".encode() in chart.content
    pdf = client.get(reverse("gs:report_pdf", args=[own.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_powers_with_legal_basis_and_flowcharts_per_act_type(client, agency_a, head_a):
    from tests.cases.conftest import _publish_powers, power_row

    _publish_powers(
        agency_a,
        head_a,
        [power_row("SJ-CF-001", "对销售过期食品的行政处罚", "penalty", "market")],
    )
    portal.approve_page(portal.prepare_page(agency_a, head_a), head_a)
    html = client.get(reverse("gs:agency", args=[agency_a.pk])).content.decode()
    assert "对销售过期食品的行政处罚" in html and "第一百二十四条" in html
    assert "执法事项清单" in html
    # the powers are penalties only: flowcharts of the penalty procedures
    assert "/lct/penalty_general.svg" in html and "/lct/penalty_simple.svg" in html
    assert "/lct/licensing.svg" not in html
