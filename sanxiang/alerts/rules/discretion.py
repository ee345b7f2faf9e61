"""Rule 5: a decision issued with a discretion flag and no written reason."""

from __future__ import annotations

from .base import Finding, Rule, case_link
from .cases import _decided_fines


class FlaggedFineWithoutReason(Rule):
    number = 5
    code = "flagged_fine_without_reason"
    title = "裁量提示未说明理由即作出决定"
    basis = (
        "《国务院办公厅关于进一步规范行政裁量权基准制定和管理工作的意见》：适用裁量基准"
        "明显不当或偏离的，应当在决定书中说明理由；本平台裁量一致性核对（docs/discretion.md）。"
    )
    severity = "high"
    description = (
        "已作出的罚款超出适用档次幅度或可比决定的四分位区间，但没有针对该金额的书面理由"
        "（例如决定时改变了送审的金额，或未经送审核对）。"
    )

    def find(self, agency_scope, today):
        from sanxiang.discretion.services import decided_without_reason

        for case in _decided_fines(agency_scope):
            flags = decided_without_reason(case)
            if not flags:
                continue
            yield Finding(
                case.agency_id,
                f"case:{case.pk}",
                case.number or case.title,
                f"决定罚款{case.fine}元，未书面说明理由：" + "；".join(str(f) for f in flags),
                links=[case_link(case)],
            )
