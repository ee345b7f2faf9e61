"""The public page of 双随机、一公开 (/gs/sj/): published plans only, read from the
published snapshot."""

import pytest

from sanxiang.inspections import services
from sanxiang.inspections.models import TaskResult


@pytest.fixture
def published_and_unpublished(drawn_plan, handler_a, head_a, item_a):
    for task in drawn_plan.tasks.all():
        services.record_result(task, head_a, result=TaskResult.NO_PROBLEM)
    services.complete_plan(drawn_plan, handler_a)
    published = services.publish_plan(drawn_plan, head_a)
    completed = services.create_plan(
        handler_a.agency,
        handler_a,
        item=item_a,
        title="未公示的已办结计划",
        start_date=published.start_date,
        end_date=published.end_date,
        ratio_a=100,
        ratio_b=0,
        ratio_c=0,
        ratio_d=0,
    )
    services.draw(completed, handler_a)
    for task in completed.tasks.all():
        services.record_result(task, head_a, result=TaskResult.CASE, note="秘密线索")
    services.complete_plan(completed, handler_a)
    draft = services.create_plan(
        handler_a.agency,
        handler_a,
        item=item_a,
        title="草稿计划",
        start_date=published.start_date,
        end_date=published.end_date,
    )
    return published, completed, draft


def test_public_page_shows_only_published(client, published_and_unpublished):
    published, completed, draft = published_and_unpublished
    listing = client.get("/gs/sj/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert published.title in page
    assert completed.title not in page and draft.title not in page
    detail = client.get(f"/gs/sj/{published.pk}/")
    body = detail.content.decode()
    assert detail.status_code == 200
    assert published.seed in body and published.targets_sha256 in body
    for task in published.tasks.all():
        assert task.target_usci in body and task.target_name in body
        for officer in task.officers.all():
            assert officer.name not in body  # inspectors are not published
    assert "未发现问题" in body and "A 守信/低风险：3%（在册 1 户）" in body
    assert client.get(f"/gs/sj/{completed.pk}/").status_code == 404
    assert client.get(f"/gs/sj/{draft.pk}/").status_code == 404
    assert "秘密线索" not in client.get("/gs/sj/").content.decode()


def test_public_page_reads_the_snapshot(client, published_and_unpublished):
    """A task with its result recorded is append-only (#11.10); even a DBA who drops the
    trigger and renames the target does not change what the public page shows."""
    from django.db import IntegrityError, connection, transaction

    from sanxiang.ledger.append_only import uninstall_sql

    published, _, _ = published_and_unpublished
    task = published.tasks.first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        type(task).objects.filter(pk=task.pk).update(target_name="事后改名")
    with connection.cursor() as cursor:
        for sql in uninstall_sql(connection, "inspections_task"):
            cursor.execute(sql)
    type(task).objects.filter(pk=task.pk).update(target_name="事后改名")
    assert "事后改名" not in client.get(f"/gs/sj/{published.pk}/").content.decode()
