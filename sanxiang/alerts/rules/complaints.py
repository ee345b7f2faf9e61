"""Rule 14: complaint overdue (the complaints app's own working-day deadlines)."""

from __future__ import annotations

from .base import Finding, Rule, ids_of, link


class ComplaintOverdue(Rule):
    number = 14
    code = "complaint_overdue"
    title = "投诉举报逾期未受理或未办结"
    basis = (
        "《信访工作条例》第三十二条、《市场监督管理投诉举报处理暂行办法》第十四条、"
        "第三十一条；本平台投诉举报受理、办结的工作日期限（投诉举报模块）。"
    )
    severity = "medium"
    description = "未受理或已受理未办结的投诉举报超过其工作日期限。"

    def find(self, agency_scope, today):
        from sanxiang.complaints import services
        from sanxiang.complaints.models import Complaint, ComplaintStatus

        qs = Complaint.objects.filter(
            agency_id__in=ids_of(agency_scope),
            status__in=[ComplaintStatus.SUBMITTED, ComplaintStatus.ACCEPTED],
        )
        for c in qs.order_by("id"):
            d = services.deadline(c, today)
            if d is None or not d.overdue:
                continue
            yield Finding(
                c.agency_id,
                f"complaint:{c.number}",
                c.number,
                f"{d.label} {d.due.isoformat()} 已过，逾期 {d.overdue_days} 个工作日。",
                links=[link(c.number, "complaints:detail", c.pk)],
            )
