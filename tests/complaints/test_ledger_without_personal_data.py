"""Every change of a complaint is ledgered, and no leaf holds the complainant's personal data."""

import pytest

from sanxiang.complaints import services
from sanxiang.ledger.models import Leaf

from .conftest import submit

pytestmark = pytest.mark.django_db


def test_every_change_in_ledger_without_personal_data(agency_a, agency_b, handler_a, head_a):
    complaint, code = submit(agency_a, name="陈秀英", phone="13912345678", content="秘密内容甲乙丙")
    services.accept(complaint, handler_a)
    services.transfer(complaint, head_a, agency_b, "转生态环境分局")
    leaves = list(Leaf.objects.filter(subject=f"complaint:{complaint.number}").order_by("index"))
    assert [leaf.event_type for leaf in leaves] == [
        "complaints.submitted",
        "complaints.accepted",
        "complaints.transferred",
    ]
    text = " ".join(leaf.content for leaf in leaves)
    for secret in ("陈秀英", "13912345678", "秘密内容甲乙丙", code, "转生态环境分局"):
        assert secret not in text
    assert leaves[0].payload["complainant_hmac"] == services._digest("陈秀英", "13912345678")
