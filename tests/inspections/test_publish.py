"""一公开 through the publicity app (issue #11 item 13): publishing a plan writes a redacted,
ledgered publicity snapshot; /gs/sj/ shows only published, non-withdrawn snapshots; the
normal publicity withdrawal takes it down."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sanxiang.core.fields import ActType
from sanxiang.inspections import services
from sanxiang.inspections.models import Plan, TaskResult
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.publicity.models import (
    Publication,
    PublicationPolicy,
    PublicationStatus,
    SnapshotState,
)
from sanxiang.publicity.redaction import PHONE_MASK, RIC_MASK

from .conftest import usci

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PERSON_RIC = "11010519491231002X"
PERSON_PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def completed_plan(plan_a, handler_a, head_a, inspectors_a):
    # an individual business registered under its operator's name, with personal data
    services.add_target(
        plan_a.agency,
        handler_a,
        name=f"张三（身份证{PERSON_RIC}，电话{PERSON_PHONE}）",
        usci=usci(1, prefix="92"),
        risk_class="A",
    )
    services.add_target(
        plan_a.agency, handler_a, name="甲食品有限公司", usci=usci(2), risk_class="A"
    )
    plan = Plan.objects.get(pk=plan_a.pk)
    plan.ratio_a = 100
    plan.save(update_fields=["ratio_a"])
    plan = services.draw(plan, handler_a)
    for task in plan.tasks.all():
        services.record_result(task, head_a, result=TaskResult.NO_PROBLEM, note="内部检查记录")
    return services.complete_plan(plan, handler_a)


def test_publish_creates_a_ledgered_publicity_snapshot(client, completed_plan, head_a):
    plan = services.publish_plan(completed_plan, head_a)
    publication = Publication.objects.get(source_key=services.publication_key(plan.pk))
    assert publication.category == ActType.INSPECTION
    assert publication.status == PublicationStatus.PUBLISHED
    snap = publication.snapshots.get()
    assert snap.state == SnapshotState.PUBLISHED
    assert [t["usci"] for t in snap.details["inspection"]["tasks"]] == [
        r["usci"] for r in plan.draw_result
    ]
    leaf = Leaf.objects.filter(event_type=EventType.PUBLICATION_PUBLISHED).get()
    assert leaf.payload["sha256"] == snap.content_sha256 and snap.ledger_index == leaf.index
    own = Leaf.objects.filter(event_type=EventType.INSPECTION_PUBLISHED).get()
    assert own.payload["publication"] == publication.pk

    listing = client.get("/gs/sj/").content.decode()
    assert plan.title in listing
    page = client.get(f"/gs/sj/{plan.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert plan.seed in body and "甲食品有限公司" in body and "内部检查记录" not in body


def test_personal_data_in_a_target_is_redacted(client, completed_plan, head_a):
    plan = services.publish_plan(completed_plan, head_a)
    body = client.get(f"/gs/sj/{plan.pk}/").content.decode()
    assert PERSON_RIC not in body and PERSON_PHONE not in body
    assert RIC_MASK in body and PHONE_MASK in body
    assert usci(1, prefix="92") in body  # the USCI is public and is kept
    snap = Publication.objects.get(source_key=services.publication_key(plan.pk)).snapshots.get()
    assert PERSON_RIC not in str(snap.details) and PERSON_PHONE not in snap.search_text
    plan.refresh_from_db()
    assert PERSON_RIC not in str(plan.public_snapshot)


def test_withdrawal_through_publicity_takes_the_result_down(
    client, client_for, completed_plan, head_a
):
    plan = services.publish_plan(completed_plan, head_a)
    publication = Publication.objects.get(source_key=services.publication_key(plan.pk))
    response = client_for(head_a).post(
        f"/publicity/{publication.pk}/withdraw/",
        {"kind": "revoked", "reason": "抽查结果记录有误，撤销后重新检查", "confirm": "1"},
    )
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWN
    client.logout()
    assert plan.title not in client.get("/gs/sj/").content.decode()
    page = client.get(f"/gs/sj/{plan.pk}/")
    body = page.content.decode()
    assert "已于 2026-11-16 撤下" in body and "抽查结果记录有误" in body
    assert "甲食品有限公司" not in body and plan.seed not in body


def test_public_page_reads_the_publicity_snapshot_not_the_plan(client, completed_plan, head_a):
    plan = services.publish_plan(completed_plan, head_a)
    tampered = dict(plan.public_snapshot, title="事后改过的标题")
    Plan.objects.filter(pk=plan.pk).update(public_snapshot=tampered)
    assert "事后改过的标题" not in client.get(f"/gs/sj/{plan.pk}/").content.decode()
    assert "事后改过的标题" not in client.get("/gs/sj/").content.decode()


def test_a_plan_marked_published_without_a_snapshot_is_not_shown(client, completed_plan):
    Plan.objects.filter(pk=completed_plan.pk).update(
        published_at=NOW, public_snapshot={"title": "绕过公示"}
    )
    assert client.get(f"/gs/sj/{completed_plan.pk}/").status_code == 404
    assert "绕过公示" not in client.get("/gs/sj/").content.decode()


def test_published_at_once_even_when_the_agency_requires_confirmation(
    client, completed_plan, head_a
):
    PublicationPolicy.objects.create(agency=head_a.agency, require_confirmation=True)
    plan = services.publish_plan(completed_plan, head_a)
    publication = Publication.objects.get(source_key=services.publication_key(plan.pk))
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.confirmed_by == head_a
    assert client.get(f"/gs/sj/{plan.pk}/").status_code == 200


def test_window_closed_shows_gone(client, completed_plan, head_a):
    plan = services.publish_plan(completed_plan, head_a)
    with time_machine.travel(NOW + dt.timedelta(days=800), tick=False):
        assert plan.title not in client.get("/gs/sj/").content.decode()
        page = client.get(f"/gs/sj/{plan.pk}/")
        assert page.status_code == 410 and plan.seed not in page.content.decode()


def test_workbench_links_the_plan_to_its_publication(client_for, completed_plan, head_a):
    plan = services.publish_plan(completed_plan, head_a)
    publication = services.publication_of(plan)
    head = client_for(head_a)
    page = head.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert f"/publicity/{publication.pk}/" in page
    assert head.get(f"/publicity/{publication.pk}/").status_code == 200
