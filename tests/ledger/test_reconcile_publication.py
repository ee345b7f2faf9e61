"""Reconciliation of a 公示信息 row (issue #11 items 8 and 10): written, published,
corrected and withdrawn through the services, it agrees with its leaves merged in order; a
raw SQL rewrite of its status, its window, its lateness or its version is named by table,
id and field."""

import pytest
from django.db import connection

from sanxiang.ledger import reconcile
from sanxiang.publicity import services
from tests.publicity.conftest import (  # noqa: F401
    _clear_cache,
    _fast_passwords,
    days,
    publish,
    published,
)

pytestmark = pytest.mark.django_db

LABEL = ["publicity.Publication"]


def test_publication_reconciles_and_a_raw_edit_is_named(agency_a, handler_a, head_a, days):  # noqa: F811
    publish(agency_a, handler_ids=[handler_a.pk])  # still pending: agrees with its preview leaf
    pub = published(agency_a, handler_a)
    services.correct_publication(
        pub, changes={"conclusion": "更正后的处理结果"}, note="更正笔误", actor=head_a
    )
    gone = published(agency_a, handler_a)
    services.withdraw_publication(gone, kind="revoked", reason="经复议决定撤销", actor=head_a)
    assert reconcile.reconcile(LABEL) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publicity_publication SET status = 'removed', visible_until = %s, "
            "published_late = %s, version = 7 WHERE id = %s",
            [days(400), True, pub.pk],
        )
        cursor.execute(
            "UPDATE publicity_publication SET status = 'published' WHERE id = %s", [gone.pk]
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(LABEL)}
    assert found == {
        *(
            ("publicity_publication", pub.pk, field)
            for field in ("status", "visible_until", "published_late", "version")
        ),
        ("publicity_publication", gone.pk, "status"),
    }
