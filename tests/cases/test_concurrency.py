"""Case numbers stay gap-free and unique when openings are approved concurrently."""

import re
import threading

import pytest
from django.db import connection, connections

from sanxiang.cases import services
from sanxiang.cases.models import Case


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_get_gap_free_numbers(
    handler_a, head_a, officer_a1, officer_a2, power_a
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite serialises writers anyway)")
    cases = [
        services.open_case(
            agency=handler_a.agency,
            actor=handler_a,
            act_type="penalty_general",
            title=f"并发{i}",
            source="patrol",
            power=power_a,
            officers=[officer_a2],
        )
        for i in range(8)
    ]
    barrier = threading.Barrier(len(cases))
    errors = []

    def approve(case):
        try:
            barrier.wait()
            services.approve_opening(case, head_a)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(
        int(re.search(r"〕(\d+)号", n).group(1))
        for n in Case.objects.values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(cases) + 1))
