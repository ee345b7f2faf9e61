"""Plans published before publish_plan went through publicity (issue #11 item 13): the
periodic back-fill gives them their publicity publication, so /gs/sj/ shows them again."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sanxiang.core.management.commands.periodic import APPS
from sanxiang.inspections import backfill, services
from sanxiang.inspections.models import Plan, TaskResult
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.services import append_event
from sanxiang.publicity.models import Publication, PublicationStatus

from .conftest import usci

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def completed_plan(plan_a, handler_a, head_a, inspectors_a):
    services.add_target(
        plan_a.agency, handler_a, name="乙餐饮有限公司", usci=usci(3), risk_class="A"
    )
    plan = Plan.objects.get(pk=plan_a.pk)
    plan.ratio_a = 100
    plan.save(update_fields=["ratio_a"])
    plan = services.draw(plan, handler_a)
    for task in plan.tasks.all():
        services.record_result(task, head_a, result=TaskResult.NO_PROBLEM, note="内部记录")
    return services.complete_plan(plan, handler_a)


def _publish_the_old_way(plan, head):
    """What publish_plan did before the fix: the plan row and a leaf, no publication."""
    content = services.public_content(plan)
    Plan.objects.filter(pk=plan.pk).update(published_at=NOW, public_snapshot=content)
    append_event(
        EventType.INSPECTION_PUBLISHED, f"inspection_plan:{plan.pk}", {"plan": plan.pk}, head
    )


def test_old_published_plan_reappears_on_the_public_page(client, completed_plan, head_a):
    _publish_the_old_way(completed_plan, head_a)
    assert client.get(f"/gs/sj/{completed_plan.pk}/").status_code == 404  # the bug

    out = StringIO()
    made = backfill.backfill_publications(out)

    assert len(made) == 1 and "published through publicity" in out.getvalue()
    publication = Publication.objects.get(source_key=services.publication_key(completed_plan.pk))
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.confirmed_by_id == head_a.pk
    page = client.get(f"/gs/sj/{completed_plan.pk}/")
    assert page.status_code == 200 and "乙餐饮有限公司" in page.content.decode()
    assert completed_plan.title in client.get("/gs/sj/").content.decode()
    leaf = Leaf.objects.filter(event_type=EventType.INSPECTION_PUBLISHED).order_by("index").last()
    assert leaf.payload["backfill"] is True and leaf.payload["publication"] == publication.pk
    # idempotent
    assert backfill.backfill_publications() == []
    assert Publication.objects.filter(source_key__startswith="inspection_plan:").count() == 1


def test_plan_published_through_publicity_is_left_alone(completed_plan, head_a):
    services.publish_plan(completed_plan, head_a)
    assert list(backfill.legacy_plans()) == []
    assert backfill.backfill_publications() == []


def test_a_plan_marked_published_by_hand_is_not_backfilled(client, completed_plan):
    Plan.objects.filter(pk=completed_plan.pk).update(published_at=NOW)
    assert backfill.backfill_publications() == []
    assert not Publication.objects.filter(source_key__startswith="inspection_plan:").exists()
    assert client.get(f"/gs/sj/{completed_plan.pk}/").status_code == 404


def test_publisher_who_may_no_longer_confirm_leaves_it_pending(completed_plan, head_a, handler_b):
    _publish_the_old_way(completed_plan, handler_b)  # another agency's user in the leaf
    [publication] = backfill.backfill_publications()
    assert publication.status == PublicationStatus.PENDING


def test_the_periodic_job_runs_the_backfill():
    assert "inspections" in APPS
