"""办结: every sheet submitted, the summary with its ledgered hash and its CSV."""

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.evaluation import services
from sanxiang.evaluation.models import RoundStatus
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.services import canonical_sha256

from .conftest import full


def test_conclude_refused_while_sheets_open(sampled, supervisor):
    with pytest.raises(DomainError, match="未提交") as exc:
        services.conclude(sampled, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_conclude_writes_summary_and_hash(sampled, supervisor, agency_a, agency_b, rect):
    for sheet in sampled.sheets.filter(submitted_at__isnull=True):
        services.submit_sheet(sheet, supervisor, deductions=full(documents=2))
    rnd = services.conclude(sampled, supervisor)
    assert rnd.status == RoundStatus.CONCLUDED
    rows = {r["agency"]: r for r in rnd.summary["agencies"]}
    assert rows[agency_a.pk]["files"] == 2
    assert rows[agency_a.pk]["average"] == 84.0  # (70 + 98) / 2
    assert rows[agency_a.pk]["grades"] == {"excellent": 1, "pass": 0, "basic": 1, "fail": 0}
    assert rows[agency_a.pk]["rectifications_open"] == 1
    assert rows[agency_b.pk]["rectifications_open"] == 0
    leaf = Leaf.objects.get(event_type=EventType.EVALUATION_CONCLUDED)
    assert leaf.payload["summary_sha256"] == canonical_sha256(rnd.summary)
    with pytest.raises(DomainError) as exc:
        services.conclude(rnd, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError) as exc:
        services.submit_sheet(rect.sheet, supervisor, deductions={})
    assert exc.value.code == ErrorCode.IMMUTABLE


def test_summary_csv_has_bom_and_rows(sampled, supervisor):
    for sheet in sampled.sheets.all():
        services.submit_sheet(sheet, supervisor, deductions=full(facts=12))
    text = services.summary_csv(services.build_summary(sampled))
    assert text.startswith(
        "\ufeff被评查机关,抽查案卷数,平均分,优秀,合格,基本合格,不合格,未销号整改\r\n"
    )
    assert "测试县市场监督管理局,2,88.0,0,2,0,0,0\r\n" in text
